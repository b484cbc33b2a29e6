"""The command-line contract of DESIGN.md: help, JSON keys, exit codes, no tracebacks, import hygiene."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.cli.parser import build_parser

from cli import Cli
from conftest import REPO, TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
BROKEN = TESTS / "corpus" / "broken"


@pytest.fixture
def cli(capsys, sqlite_url):
    return Cli(capsys, sqlite_url)


def _subcommands(parser):
    for action in parser._subparsers._group_actions:
        yield from action.choices.items()


def test_every_command_has_help_text():
    parser = build_parser()
    for name, sub in _subcommands(parser):
        assert sub.description, f"'traject {name}' has no help text"
        if sub._subparsers:
            for child_name, child in _subcommands(sub):
                assert child.description, f"'traject {name} {child_name}' has no help text"


@pytest.mark.parametrize("argv", [
    ["tasks", "--limit", "5", "--role", "klantmanager"],
    ["--db", "sqlite:///x.db", "--user", "anna", "--json", "complete", "T1", "--data", "{}"],
    ["--now=2026-03-01T09:00:00+01:00", "--policy", "p.toml", "audit", "verify", "--all"],
    ["users", "add", "anna", "--role", "klantmanager", "--gemeente", "GM0363"],
    ["assign", "T1", "T2", "--to", "bram"],
    ["sessions", "list"],
    ["external", "fetch", "--topic", "t", "--worker", "w"],
])
def test_a_command_parses_alike_with_only_its_own_parser_built(argv):
    """The CLI builds the parser of the command on its command line only (start-up); what it parses must
    be what the whole parser parses."""
    assert build_parser(argv).commands.keys() == {next(t for t in argv if not t.startswith("-")
                                                       and t not in ("sqlite:///x.db", "anna", "p.toml"))}
    assert vars(build_parser(argv).parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["--help"], ["--us", "anna", "tasks"], ["-h", "tasks"], ["takss"], []])
def test_the_whole_parser_is_built_when_the_command_is_not_plain(argv):
    """Help, an abbreviated global option, a mistyped or missing command: every command is there (a
    mistyped one's error lists them all)."""
    assert len(build_parser(argv).commands) == len(build_parser().commands) > 30


def test_engine_imports_without_the_terminal_app():
    code = "import sys, engine, engine.service, engine.cli; assert 'textual' not in sys.modules, 'textual loaded'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_json_keys_of_the_contract(cli):
    assert set(cli.ok("deploy", LIFECYCLE)[0]) >= {"process_id", "version", "changed"}
    assert set(cli.ok("processes")[0]) >= {"process_id", "name", "version", "startable", "start_schema"}
    case = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 40}')
    assert set(case) >= {"case_id"}
    task = cli.ok("tasks")[0]
    assert set(task) >= {"id", "case_id", "process_id", "task", "title", "role", "gemeente", "due", "assignee",
                         "schema"}
    form = cli.ok("form", task["id"])
    assert set(form) >= {"task", "title", "schema", "ui_schema", "data"}
    assert form["schema"]["title"] == "Intakegesprek" and form["data"]["leeftijd"] == 40
    shown = cli.ok("show", case["case_id"])
    assert set(shown) >= {"id", "process_id", "definition_version", "gemeente", "status", "stage", "data",
                          "open_tasks", "events"}
    assert set(shown["events"][0]) >= {"seq", "type", "task", "actor", "at", "data"}
    done = cli.ok("complete", task["id"], "--data", '{"naam": "Sanne de Vries"}')
    assert set(done) >= {"case_id", "status", "open_tasks"}


def test_a_completion_prints_its_open_tasks_as_the_task_list_does(cli):
    """`complete --json` masks the BSN and gives times in UTC, like `tasks --json` for the same tasks."""
    cli.ok("deploy", LIFECYCLE)
    case_id = cli.ok("start", "aanvraag", "--gemeente", "gm0363", "--data", '{"leeftijd": 40, "bsn": "123456782"}',
                     now="2026-03-02T09:00:00+01:00")["case_id"]
    intake = cli.ok("tasks", "--case", case_id)[0]
    assert intake["gemeente"] == "GM0363"  # a lowercase code is the same gemeente
    done = cli.ok("complete", intake["id"], "--data", '{"naam": "Sanne de Vries"}', now="2026-03-02T10:00:00+01:00")
    assert done["open_tasks"] and done["open_tasks"] == cli.ok("tasks", "--case", case_id)
    assert done["open_tasks"][0]["bsn"] == "******782"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(cli, constant):
    cli.ok("deploy", LIFECYCLE)
    result = cli("start", "aanvraag", "--gemeente", "GM0363", "--data", f'{{"leeftijd": {constant}}}')
    assert result.code == 2 and f"{constant} is not a JSON value" in result.err
    assert cli.ok("cases") == []


def test_a_search_takes_percent_and_underscore_as_themselves(cli):
    cli.ok("deploy", LIFECYCLE)
    for name in ("Samira Bakker", "100% Jansen"):
        cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", json.dumps({"leeftijd": 30, "naam": name}))
    assert [c["person_name"] for c in cli.ok("cases", "--search", "%")] == ["100% Jansen"]
    assert cli.ok("cases", "--search", "S_mira") == []


def test_empty_global_options_are_refused(cli):
    for option in ("--user", "--now", "--db"):
        result = cli(option, " ", "tasks")
        assert result.code == 2 and f"{option}: empty" in result.err


def test_deploy_json_lists_the_problems_as_validate_does(cli):
    path = str(BROKEN / "task_outside_lane.bpmn")
    result = cli("deploy", path, "--json")
    assert result.code == 1 and result.json == cli("validate", path, "--json").json
    assert result.json[0]["element_id"] == "Task_zonder_lane"


def test_json_flag_is_accepted_before_the_command(cli):
    cli.ok("deploy", LIFECYCLE)
    result = cli("--json", "processes")
    assert result.code == 0 and result.json[0]["process_id"] == "aanvraag"


def test_data_from_a_file(cli, tmp_path):
    cli.ok("deploy", LIFECYCLE)
    (tmp_path / "start.json").write_text('{"leeftijd": 19}')
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", "@start.json")["case_id"]
    assert cli.ok("show", case_id)["data"]["leeftijd"] == 19
    missing = cli("start", "aanvraag", "--gemeente", "GM0363", "--data", "@nope.json")
    assert missing.code == 2 and "nope.json" in missing.err


@pytest.mark.parametrize("name", ["xxe.bpmn", "billion_laughs.bpmn", "dangling_flow.bpmn", "bad_timer.bpmn",
                                  "task_outside_lane.bpmn", "unknown_process.bpmn", "missing_form.bpmn"])
def test_broken_files_are_never_deployed(cli, name):
    result = cli("deploy", str(BROKEN / name))
    assert result.code == 1
    assert str(BROKEN / name) in result.out  # path:line: element: message
    assert "Traceback" not in result.err
    assert cli.ok("processes") == []


def test_validate_prints_path_line_element_message_and_exits_1(cli):
    path = BROKEN / "task_outside_lane.bpmn"
    result = cli("validate", str(path))
    assert result.code == 1
    line = result.out.strip().splitlines()[0]
    file_part, line_no, element, message = line.split(":", 3)
    assert file_part == str(path) and int(line_no) > 0 and element.strip() == "Task_zonder_lane" and message
    ok = cli("validate", LIFECYCLE)
    assert ok.code == 0 and ok.out == ""


def test_bad_arguments_exit_2_without_traceback(cli):
    assert cli("--now", "gisteren", "tasks").code == 2
    assert cli("deploy", "no/such/folder").code == 2
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["start", "aanvraag"])
    assert exit_info.value.code == 2


def test_users_directory(cli):
    cli.ok("users", "add", "anna", "--role", "klantmanager", "--role", "coordinator", "--gemeente", "GM0363",
           "--force")
    cli.ok("users", "add", "anna", "--role", "klantmanager", "--gemeente", "GM0344", "--force")
    anna = next(u for u in cli.ok("users", "list") if u["name"] == "anna")
    assert sorted((g["role"], g["scope"]) for g in anna["grants"]) == [
        ("coordinator", "GM0363"), ("klantmanager", "GM0344"), ("klantmanager", "GM0363")]
    assert cli("users", "remove", "anna").code == 0
    assert cli("users", "remove", "anna").code == 2
    assert [u["name"] for u in cli.ok("users", "list")] == ["tester"]


def test_claim_and_release(cli):
    cli.ok("deploy", LIFECYCLE)
    cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 40}')
    task_id = cli.ok("tasks")[0]["id"]
    cli.known("anna", "bert")
    cli.ok("claim", task_id, user="anna")
    assert cli.ok("tasks", "--assignee", "anna")[0]["id"] == task_id
    assert cli("claim", task_id, user="bert").code == 3
    cli.ok("release", task_id, user="anna")
    assert cli.ok("tasks", "--assignee", "anna") == []
