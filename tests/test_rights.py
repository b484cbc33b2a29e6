"""Rights through the command line: users x commands x gemeenten.

Every allowed cell succeeds; every other cell exits 4 with `not allowed: USER may not ...`, changes nothing
(row counts, case rows and the audit chain as they were) and leaves one access_denied entry in the access
log. Runs on SQLite and on PostgreSQL (there the test connection impersonates each user)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from cli import Cli
from conftest import TESTS

RECHTEN = str(TESTS / "bpmn" / "rechten")
PERSON = json.dumps({"naam": "Fatima el Amrani", "bsn": "111222333"})
# user -> the `users add` options that make them (None: not in the directory)
USERS = {
    "beheer": ["--role", "beheerder", "--all"],
    "ontw": ["--role", "ontwerper", "--all"],
    "km1": ["--role", "klantmanager", "--gemeente", "GM0001"],
    "km14": ["--role", "klantmanager", "--gemeente", "GM0014"],
    "coord": ["--role", "coordinator", "--region", "noord"],
    "vwn": ["--role", "uitvoerder:vwn", "--gemeente", "GM0001"],
    "aud": ["--role", "auditor", "--gemeente", "GM0001"],
    "fg": ["--role", "fg", "--all"],
    "nobody": None,
}
TABLES = ("cases", "work_items", "events", "users", "grants", "regions", "region_gemeenten", "definition_versions",
          "group_sessions", "session_participants")
SESSION = ["--title", "Kernwaarden", "--at", "2026-03-10T09:30:00+01:00", "--capacity", "12", "--language", "nl",
           "--gemeente", "GM0001"]


@pytest.fixture
def world(cli, tmp_path):
    """Users and regions; cases of GM0001 waiting at each lane, and one of GM0014."""
    cli.ok("deploy", RECHTEN)
    cli.ok("regions", "add", "noord", "--gemeente", "GM0001", "--gemeente", "GM0002")
    for user, options in USERS.items():
        if options:
            cli.ok("users", "add", user, *options)
    cases = {}
    for name, steps in (("intake", 0), ("workshop", 1), ("besluit", 2)):
        cases[name] = cli.ok("start", "rechten", "--gemeente", "GM0001", "--data", PERSON)["case_id"]
        for step in range(steps):
            task = cli.ok("tasks", "--case", cases[name])[0]["id"]
            cli.ok("complete", task, "--data", '{"aanwezig": true}' if step == 1 else "{}")
    cases["elders"] = cli.ok("start", "rechten", "--gemeente", "GM0014", "--data", PERSON)["case_id"]
    tasks = {name: cli.ok("tasks", "--case", case_id)[0]["id"] for name, case_id in cases.items()}
    sessions = {name: cli.ok("sessions", "add", "--kind", "workshop", *SESSION, "--executor", executor)["session_id"]
                for name, executor in (("gemeente", "gemeente"), ("vwn", "vwn"))}
    return {"cases": cases, "tasks": tasks, "sessions": sessions, "out": str(tmp_path / "export.csv")}


def cells(w):
    """(command, users allowed). Commands that change something come with their allowed users last."""
    c, t, s = w["cases"], w["tasks"], w["sessions"]
    return [
        (["validate", RECHTEN], {"ontw"}),
        (["deploy", RECHTEN], {"ontw"}),
        (["test", RECHTEN], {"ontw"}),
        (["processes"], {"beheer", "ontw", "km1", "km14", "coord", "aud", "fg"}),
        (["start", "rechten", "--gemeente", "GM0001", "--data", PERSON], {"km1", "coord"}),
        (["start", "rechten", "--gemeente", "GM0014", "--data", PERSON], {"km14"}),
        (["tasks"], {"km1", "km14", "coord", "vwn"}),
        (["tasks", "--gemeente", "GM0001"], {"km1", "coord", "vwn"}),
        (["tasks", "--case", c["elders"]], {"km14"}),
        (["form", t["intake"]], {"km1"}),
        (["form", t["workshop"]], {"vwn"}),
        (["form", t["besluit"]], {"coord"}),
        (["show", c["intake"]], {"km1", "coord", "aud"}),
        (["show", c["elders"]], {"km14"}),
        (["cases"], {"km1", "km14", "coord", "aud"}),
        (["cases", "--gemeente", "GM0001"], {"km1", "coord", "aud"}),
        (["audit", "verify", c["intake"]], {"aud", "fg"}),
        (["audit", "verify", "--all"], {"aud", "fg"}),
        (["audit", "replay", c["intake"]], {"aud"}),
        (["audit", "export", "--format", "csv", "--out", w["out"]], {"aud"}),
        (["users", "list"], {"beheer"}),
        (["regions", "list"], {"beheer"}),
        (["worker", "--once"], {"beheer"}),
        (["retention"], {"beheer", "aud", "fg"}),
        (["purge", "--due"], {"beheer", "fg"}),
        (["access-log"], {"beheer", "aud", "fg"}),
        (["users", "add", "nieuw", "--role", "klantmanager", "--gemeente", "GM0001"], {"beheer"}),
        (["regions", "add", "zuid", "--gemeente", "GM0003"], {"beheer"}),
        (["sessions", "list"], {"km1", "km14", "coord", "vwn"}),
        (["sessions", "show", s["gemeente"]], {"km1", "coord"}),
        (["sessions", "show", s["vwn"]], {"km1", "coord", "vwn"}),
        (["sessions", "candidates"], {"coord", "vwn"}),
        (["sessions", "add", "--kind", "workshop", *SESSION], {"coord"}),
        (["sessions", "add", "--kind", "workshop", *SESSION, "--executor", "vwn"], {"coord", "vwn"}),
        (["sessions", "cancel", s["gemeente"], "--reason", "ziek"], {"coord"}),
        (["claim", t["besluit"]], {"coord"}),
        (["complete", t["workshop"], "--data", '{"aanwezig": false}'], {"vwn"}),
        (["complete", t["intake"]], {"km1"}),
        (["complete", t["elders"]], {"km14"}),
    ]


def test_every_command_for_every_user(cli, world):
    for args, allowed in cells(world):
        for user in sorted(USERS, key=lambda u: (u in allowed, u)):  # refusals first: they change nothing
            before = state(cli.db_url)
            result = cli(*args, user=user)
            where = f"{user}: traject {' '.join(args)}"
            assert "Traceback" not in result.err, where
            if user in allowed:
                assert result.code == 0, f"{where} exited {result.code}: {result.err}"
                continue
            assert result.code == 4, f"{where} exited {result.code}, not 4: {result.err}"
            assert result.err.startswith(f"not allowed: {user} may not "), where
            assert len(result.err.strip().splitlines()) == 1, where
            assert state(cli.db_url) == before, f"{where} changed something"
            assert last_access_entry(cli.db_url) == ("access_denied", user, "denied"), where


def test_whoami_for_anyone(cli, world):
    assert cli.ok("whoami", user="nobody")["known"] is False
    coord = cli.ok("whoami", user="coord")
    assert coord["grants"] == [{"role": "coordinator", "scope": "regio noord", "gemeenten": ["GM0001", "GM0002"]}]


def test_an_executor_sees_only_the_fields_of_the_form_and_no_bsn(cli, world):
    form = cli.ok("form", world["tasks"]["workshop"], user="vwn")
    assert set(form["data"]) <= {"naam", "aanwezig"} and form["data"]["naam"] == "Fatima el Amrani"
    assert all(item["bsn"] is None for item in cli.ok("tasks", user="vwn"))
    assert cli.ok("form", world["tasks"]["intake"], user="km1")["data"]["bsn"] == "111222333"


def test_a_claimed_task_is_protected_until_released_or_taken_over(cli, world):
    task = world["tasks"]["intake"]
    cli.ok("users", "add", "km1b", "--role", "klantmanager", "--gemeente", "GM0001")
    cli.ok("users", "add", "coord1", "--role", "coordinator", "--role", "klantmanager", "--gemeente", "GM0001")
    cli.ok("claim", task, user="km1")
    refused = cli("complete", task, user="km1b")
    assert refused.code == 4 and "claimed by km1" in refused.err
    assert cli("claim", task, user="km1b").code == 3  # already claimed: a conflict, as before
    assert cli("claim", task, "--take-over", user="km1b").code == 4  # only a coordinator takes over
    cli.ok("claim", task, "--take-over", user="coord1")
    assert cli.ok("form", task, user="coord1")["assignee"] == "coord1"
    events = cli.ok("show", world["cases"]["intake"])["events"]
    assert [e["type"] for e in events][-2:] == ["task_claimed", "task_taken_over"]
    assert events[-1]["actor"] == "coord1" and events[-1]["data"] == {"from": "km1"}
    cli.ok("complete", task, user="coord1")


def test_reads_and_administrative_commands_are_logged_without_data(cli, world):
    cli.ok("show", world["cases"]["intake"], user="aud")
    entries = cli.ok("access-log", "--actor", "aud")
    assert entries[0]["type"] == "dossier_viewed" and entries[0]["case_id"] == world["cases"]["intake"]
    deploys = cli.ok("access-log", "--type", "admin_command")
    assert any(e["action"] == "process.deploy" and e["outcome"] == "ok" for e in deploys)
    assert "Fatima" not in json.dumps(cli.ok("access-log", "--limit", "1000"))
    assert cli("access-log", "--verify").code == 0


def test_a_refusal_on_a_case_is_in_that_cases_access_log(cli, world):
    elders = world["cases"]["elders"]
    for command in (["show", elders], ["cancel", elders, "--reason", "verhuisd"], ["notitie", elders, "x"]):
        assert cli(*command, user="km1").code == 4
    refusals = [e for e in cli.ok("access-log", "--case", elders) if e["type"] == "access_denied"]
    assert [(e["actor"], e["action"]) for e in reversed(refusals)] == [
        ("km1", "case.view"), ("km1", "case.cancel"), ("km1", "case.note")]


def test_users_add_checks_roles_and_codes_and_the_first_user_is_a_beheerder(capsys, tmp_path):
    cli = Cli(capsys, f"sqlite:///{tmp_path / 'leeg.db'}", user="eerste", setup_user=False)  # the bootstrap
    first = cli("users", "add", "eerste", "--role", "klantmanager", "--gemeente", "GM0363")
    assert first.code == 2 and "first user must be a beheerder" in first.err
    assert cli.ok("users", "list") == []  # anyone may see that the directory is empty
    assert cli("tasks").code == 4
    cli.ok("users", "add", "eerste", "--role", "beheerder", "--all")
    assert cli("users", "add", "x", "--role", "klantmanagr", "--gemeente", "GM0363").code == 2
    assert cli("users", "add", "x", "--role", "coordinator", "--gemeente", "Amsterdam").code == 2
    cli.ok("users", "add", "x", "--role", "klantmanagr", "--gemeente", "GM0363", "--force")
    assert cli("users", "list", user="x").code == 4


def state(url: str) -> tuple:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = tuple(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in TABLES)
            cases = tuple(conn.execute(text("SELECT id, status, lock_version, last_event_hash FROM cases "
                                            "ORDER BY id")).all())
            items = tuple(conn.execute(text("SELECT id, assignee FROM work_items ORDER BY id")).all())
        return counts, cases, items
    finally:
        engine.dispose()


def last_access_entry(url: str) -> tuple:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text("SELECT type, actor, outcome FROM access_log ORDER BY id DESC "
                                           "LIMIT 1")).one())
    finally:
        engine.dispose()


def test_a_gemeente_auditor_reads_only_the_access_log_of_its_gemeentes_cases(cli, world):
    cli.ok("show", world["cases"]["elders"], user="km14")  # a read in GM0014
    cli.ok("show", world["cases"]["intake"], user="km1")  # and one in GM0001
    seen = cli.ok("access-log", "--limit", "1000", user="aud")
    assert seen and {e["case_id"] for e in seen} <= {world["cases"][n] for n in ("intake", "workshop", "besluit")}
    everything = cli.ok("access-log", "--limit", "1000", user="beheer")
    assert world["cases"]["elders"] in {e["case_id"] for e in everything}
