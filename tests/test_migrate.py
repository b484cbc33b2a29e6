"""`traject migrate`: running cases move to a newer version of their process only when their history
replays the same on it; a case stuck on a faulty script reaches the fixed version and `retry` then
succeeds; `audit verify` follows the case across the move."""
from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from conftest import TESTS

T0 = "2026-03-02T09:00:00+01:00"
SOURCE = (TESTS / "bpmn" / "incident" / "incident.bpmn").read_text(encoding="utf-8")
FAULTY = "resultaat = 100 // deler"


def version(tmp_path, name: str, script: str = FAULTY, before_input: str | None = None) -> str:
    """A copy of the incident process with another script (and optionally a script before the input)."""
    xml = SOURCE.replace(FAULTY, script)
    if before_input:  # a new first step: the history would not have gone the same way
        xml = xml.replace('targetRef="Task_invoer" />', 'targetRef="Script_nieuw" />').replace(
            '<bpmn:sequenceFlow id="F2"',
            '<bpmn:sequenceFlow id="F0" sourceRef="Script_nieuw" targetRef="Task_invoer" />\n'
            '    <bpmn:sequenceFlow id="F2"').replace(
            '<bpmn:userTask id="Task_invoer" name="Invoer"><bpmn:incoming>F1</bpmn:incoming>',
            f'<bpmn:scriptTask id="Script_nieuw" name="Nieuw"><bpmn:incoming>F1</bpmn:incoming>'
            f'<bpmn:outgoing>F0</bpmn:outgoing><bpmn:script>{before_input}</bpmn:script></bpmn:scriptTask>\n'
            '    <bpmn:userTask id="Task_invoer" name="Invoer"><bpmn:incoming>F0</bpmn:incoming>')
    folder = tmp_path / name
    folder.mkdir()
    (folder / "incident.bpmn").write_text(xml, encoding="utf-8")
    return str(folder)


def start(cli, deler: int) -> str:
    data = json.dumps({"naam": "Eva Jansen", "bsn": "999888777", "deler": deler})
    return cli.ok("start", "incident", "--gemeente", "GM0363", "--data", data, now=T0)["case_id"]


def counts(url: str) -> tuple:
    with create_engine(url).connect() as conn:
        return tuple(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("events", "work_items")) + (
            tuple(conn.execute(text("SELECT id, definition_id, status, row_hash FROM cases ORDER BY id")).all()),)


def test_a_case_stuck_on_a_faulty_script_moves_to_the_fixed_version_and_retry_succeeds(cli, tmp_path):
    cli.ok("deploy", version(tmp_path, "v1"), now=T0)
    stuck = start(cli, deler=0)
    (task,) = cli.ok("tasks", "--case", stuck)
    assert cli("complete", task["id"], now=T0).code == 1  # ZeroDivisionError: the case is in error
    waiting = start(cli, deler=4)
    (open_task,) = cli.ok("tasks", "--case", waiting)
    cli.ok("claim", open_task["id"], now=T0)
    cli.ok("deploy", version(tmp_path, "v2", "resultaat = 100 // deler if deler else 0"), now=T0)

    dry = cli("migrate", stuck, waiting, "--to", "2", "--dry-run", "--json", now=T0)
    assert dry.code == 0, dry.err
    assert dry.json["applied"] is False and [c["ok"] for c in dry.json["cases"]] == [True, True]
    assert cli.ok("show", stuck)["definition_version"] == 1  # a dry run changes nothing

    report = cli.ok("migrate", stuck, waiting, "--to", "2", now="2026-03-03T09:00:00+01:00")
    assert report["applied"] is True
    assert cli.ok("show", stuck)["definition_version"] == 2
    moved = cli.ok("show", waiting)
    assert moved["definition_version"] == 2 and moved["status"] == "running"
    (new_task,) = cli.ok("tasks", "--case", waiting)
    assert new_task["task"] == "Task_invoer" and new_task["assignee"] == "tester"  # the claim moved over

    assert cli.ok("show", stuck)["status"] == "error"  # still its incident, now on the fixed version
    retried = cli("retry", stuck, now="2026-03-03T10:00:00+01:00")
    assert retried.code == 0, retried.err
    history = [e["type"] for e in cli.ok("show", stuck)["events"]]
    assert "case_migrated" in history and history[-1] == "incident_resolved"
    (again,) = cli.ok("tasks", "--case", stuck)  # a failed completion: the task is open again
    cli.ok("complete", again["id"], now="2026-03-03T10:30:00+01:00")  # the fixed script runs now
    assert [t["task"] for t in cli.ok("tasks", "--case", stuck)] == ["Task_klaar"]

    verified = cli("audit", "verify", "--all", "--json")
    assert verified.code == 0, verified.out
    (done,) = cli.ok("tasks", "--case", stuck)
    cli.ok("complete", done["id"], now="2026-03-03T11:00:00+01:00")
    assert cli("audit", "verify", "--all").code == 0


def test_a_case_whose_history_would_have_gone_otherwise_is_refused_and_nothing_changes(cli, tmp_path):
    cli.ok("deploy", version(tmp_path, "v1"), now=T0)
    case_id = start(cli, deler=4)
    cli.ok("deploy", version(tmp_path, "v2", before_input="extra = 1"), now=T0)
    before = counts(cli.db_url)

    dry = cli("migrate", case_id, "--to", "2", "--dry-run", now=T0)
    assert dry.code == 2 and "CANNOT migrate" in dry.out and "diverges at event 1 (case_started)" in dry.out
    assert "data extra on" in dry.out and ": extra" in dry.out, dry.out  # what differs, named
    refused = cli("migrate", case_id, "--to", "2", now=T0)
    assert refused.code == 2 and "diverges at event 1" in refused.err and "was not migrated" in refused.err
    assert cli("migrate", case_id, "--to", "1", now=T0).code == 2  # not newer
    assert "no deployed version 7" in cli("migrate", case_id, "--to", "7", now=T0).err
    assert counts(cli.db_url) == before


def test_only_a_designer_of_the_cases_gemeente_migrates(cli, tmp_path):
    cli.ok("deploy", version(tmp_path, "v1"), now=T0)
    case_id = start(cli, deler=4)
    cli.ok("deploy", version(tmp_path, "v2", "resultaat = 100 // deler if deler else 0"), now=T0)
    cli.ok("users", "add", "km", "--role", "klantmanager", "--gemeente", "GM0363")
    cli.ok("users", "add", "ontw_elders", "--role", "ontwerper", "--gemeente", "GM0014")
    cli.ok("users", "add", "ontw", "--role", "ontwerper", "--gemeente", "GM0363")
    before = counts(cli.db_url)
    for user in ("km", "ontw_elders"):
        result = cli("migrate", case_id, "--to", "2", user=user, now=T0)
        assert result.code == 4 and result.err.startswith(f"not allowed: {user} may not migrate"), result.err
    assert counts(cli.db_url) == before
    assert cli("migrate", case_id, "--to", "2", user="ontw", now=T0).code == 0
