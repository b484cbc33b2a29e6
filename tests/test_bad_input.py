"""No traceback for any input: each class of bad input is one line on stderr, exit 2 (or 1 for
findings), and nothing changed."""
from __future__ import annotations

import json

import pytest

from cli import Cli
from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
START = ("start", "aanvraag", "--gemeente", "GM0363")


def one_line_error(result, code: int, fragment: str) -> None:
    assert result.code == code, (result.code, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert fragment in lines[0], lines[0]


@pytest.fixture
def deployed(cli):
    cli.ok("deploy", LIFECYCLE)
    return cli


def no_cases(cli) -> bool:
    return cli.ok("cases") == []


@pytest.mark.parametrize(("data", "fragment"), [
    ('{"leeftijd": 20, "naam": "\\ud800"}', "naam: not valid Unicode text"),
    ('{"leeftijd": 20, "\\udfff": 1}', "not valid Unicode text"),
    ('{"leeftijd": 20, "a": ' + "[" * 100 + "]" * 100 + "}", "nested more than 32 levels deep"),
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nested too deeply"),
])
def test_form_data_that_cannot_be_stored(deployed, data, fragment):
    one_line_error(deployed(*START, "--data", data), 2, fragment)
    assert no_cases(deployed)


def test_a_data_file_that_is_not_utf8(deployed, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"leeftijd": 20,\n "naam": "José"}'.encode("latin-1"))
    one_line_error(deployed(*START, "--data", f"@{path}"), 2, "latin1.json: line 2: not UTF-8 text (byte 0xe9)")
    assert no_cases(deployed)


def test_an_argument_that_is_not_utf8(deployed):
    # Python hands bytes that are not UTF-8 (a Latin-1 terminal) over as lone surrogates.
    one_line_error(deployed("start", "aanvraag", "--gemeente", "GM\udce9"), 2, "is not valid UTF-8 text")
    assert no_cases(deployed)


@pytest.mark.parametrize("code", ["0363", "Amsterdam", "GM363"])
def test_a_gemeente_that_is_not_a_cbs_code_is_a_mistyped_option_not_a_refusal(deployed, code):
    one_line_error(deployed(*START[:3], code, "--data", '{"leeftijd": 20}'), 2,
                   f"--gemeente: '{code}' is not a CBS gemeente code (GM followed by 4 digits, e.g. GM0363)")
    assert no_cases(deployed)


@pytest.mark.parametrize("args", [
    ("tasks", "--limit", "1e30"), ("tasks", "--limit", "-1"), ("tasks", "--limit", "0"),
    ("tasks", "--limit", str(10 ** 26)), ("worker", "--interval", "-1"), ("worker", "--interval", "nan"),
    ("audit", "verify", "--all", "--jobs", "0"), ("demo", "--people", "-5"),
])
def test_numbers_out_of_range(deployed, args):
    one_line_error(deployed(*args), 2, f"argument {args[-2]}")


def test_an_invalid_clock_in_the_environment(deployed, monkeypatch):
    monkeypatch.setenv("TRAJECT_NOW", "gisteren")
    one_line_error(deployed("tasks"), 2, "TRAJECT_NOW: 'gisteren' is not an ISO-8601 date-time")


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1899-12-31",
                                 "morgen"])
def test_a_clock_outside_the_years_the_engine_can_store(deployed, now):
    result = deployed(*START, "--data", '{"leeftijd": 20}', now=now)
    one_line_error(result, 2, "--now:")
    assert no_cases(deployed)


def test_overlong_codes_and_names(deployed):
    one_line_error(deployed("start", "aanvraag", "--gemeente", "G" * 21), 2, "--gemeente: at most 20 characters")
    one_line_error(deployed(*START, "--data", '{"leeftijd": 20}', user="u" * 201), 2, "--user")
    assert no_cases(deployed)


def test_a_value_longer_than_its_column(cli):
    """A user name longer than its column is refused before the database sees it, on both databases alike
    (PostgreSQL would refuse it, SQLite would store it): one line, exit 2."""
    result = cli("users", "add", "n" * 300, "--role", "coordinator", "--gemeente", "GM0363")
    one_line_error(result, 2, "is not valid")


@pytest.mark.parametrize(("url", "fragment"), [
    ("foo://x", "is not a database URL Traject can open"),
    ("postgresql+nodriver://x/y", "is not a database URL Traject can open"),
    ("", "--db: empty"),
    ("sqlite:////nonexistent-folder/sub/x.db", "cannot open the database"),
    ("postgresql+psycopg://traject:geheim@127.0.0.1:1/x", "cannot open the database"),
])
def test_a_wrong_database_url(capsys, url, fragment):
    # `users add` of the first beheerder is the command that may create a database: it still cannot.
    result = Cli(capsys, url, setup_user=False)("users", "add", "beheer", "--role", "beheerder", "--all")
    one_line_error(result, 2, fragment)
    assert "geheim" not in result.err  # the password is never shown


@pytest.mark.parametrize(("encoding", "byte"), [("latin-1", "0xe9"), ("utf-16", "0xff")])
def test_process_files_that_are_not_utf8(cli, tmp_path, encoding, byte):
    text = (TESTS / "bpmn" / "incident" / "incident.bpmn").read_text(encoding="utf-8")
    text = text.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"').replace("Script faalt", "Café")
    path = tmp_path / "incident.bpmn"
    path.write_bytes(text.encode(encoding))
    for command in ("validate", "deploy"):  # validate and deploy agree
        result = cli(command, str(path))
        assert result.code == 1 and "Traceback" not in result.err
        assert f"{path}:" in result.out and f"not UTF-8 text (byte {byte})" in result.out
    assert json.loads(cli("processes", "--json").out or "[]") == [] or cli.db_url.startswith("sqlite")


@pytest.mark.parametrize("args", [("audit", "verify", "--all"), ("tasks",), ("cases",), ("processes",),
                                  ("show", "x"), ("complete", "x"), ("claim", "x"), ("worker", "--once"),
                                  ("users", "list"), ("start", "aanvraag", "--gemeente", "GM0363"),
                                  ("audit", "export", "--out", "x.xes")])
def test_commands_refuse_a_sqlite_database_that_does_not_exist(capsys, tmp_path, args):
    missing = tmp_path / "mistyped.db"
    result = Cli(capsys, f"sqlite:///{missing}", setup_user=False)(*args)
    one_line_error(result, 2, f"no database at {missing}")
    assert not missing.exists()  # and none was made


def test_the_first_users_add_creates_the_database_and_deploy_does_not(capsys, tmp_path):
    # Nobody may deploy into a database without users, so only the first beheerder creates one.
    new = tmp_path / "new.db"
    cli = Cli(capsys, f"sqlite:///{new}", setup_user=False)
    one_line_error(cli("deploy", LIFECYCLE), 2, "traject users add")
    assert not new.exists()
    assert cli("users", "add", "tester", "--role", "beheerder", "--role", "auditor", "--all").code == 0
    assert new.exists()
    assert cli("audit", "verify", "--all").code == 0


def test_a_model_file_over_the_size_limit_is_refused_before_it_is_read(cli, tmp_path, monkeypatch):
    big = tmp_path / "groot.bpmn"
    text = (TESTS / "bpmn" / "incident" / "incident.bpmn").read_text(encoding="utf-8")
    big.write_text(text.replace("</bpmn:definitions>", "<!--" + "x" * (3 * 2 ** 20) + "-->\n</bpmn:definitions>"))
    for command in ("validate", "deploy"):
        one_line_error(cli(command, str(big)), 2, f"{big}: 3.0 MB is over the limit of 2 MB")
    monkeypatch.setenv("TRAJECT_MAX_MODEL_MB", "4")  # configurable: then it is read and validated
    assert cli("validate", str(big)).code == 0
    monkeypatch.setenv("TRAJECT_MAX_MODEL_MB", "veel")
    one_line_error(cli("validate", str(big)), 2, "TRAJECT_MAX_MODEL_MB: 'veel' is not a size in MB")
