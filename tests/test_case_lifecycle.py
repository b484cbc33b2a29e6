"""A process set with lanes, a call activity, a DMN decision, a script and a 14-day timer, run through
the CLI alone on SQLite and PostgreSQL."""
from __future__ import annotations

import json

from grants import settings_for

from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
BELRONDE = str(TESTS / "bpmn" / "belronde")  # an interrupting boundary timer of a day on Task_bellen
GESPREKKEN = str(TESTS / "bpmn" / "gesprekken")  # a parallel multi-instance task, one per name
TWEE = str(TESTS / "bpmn" / "tweetimers")  # timers of P1D and P1DT1H in parallel, then Task_controle
T0 = "2026-03-02T09:00:00+01:00"


def only_task(cli, case_id, **kw):
    tasks = cli.ok("tasks", "--case", case_id, **kw)
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_case_runs_to_completion_with_timer_on_the_engine_clock(cli):
    deployed = cli.ok("deploy", LIFECYCLE, now=T0)
    assert {d["process_id"]: d["changed"] for d in deployed} == {"aanvraag": True, "vervolg": True}

    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 34}', now=T0)["case_id"]
    intake = only_task(cli, case_id)
    assert (intake["task"], intake["role"], intake["gemeente"], intake["schema"]) == (
        "Task_intake", "intake", "GM0363", "intake.schema.json")

    cli.ok("complete", intake["id"], "--data", '{"naam": "Fatima el Amrani", "datum": "2026-03-02"}', now=T0)
    workshop = only_task(cli, case_id)
    assert (workshop["task"], workshop["role"]) == ("Task_workshop", "coach")  # lane of the called process
    cli.ok("complete", workshop["id"], now=T0)

    case = cli.ok("show", case_id)
    assert case["data"]["toegelaten"] == "ja"  # decided by the DMN table
    assert case["data"]["score"] == 1  # computed by the script task
    assert case["open_tasks"] == []

    cli.ok("worker", "--once", now="2026-03-16T08:59:00+01:00")  # 1 minute before the 14 days are up
    assert cli.ok("tasks", "--case", case_id) == []
    cli.ok("worker", "--once", now="2026-03-16T09:01:00+01:00")
    review = only_task(cli, case_id)
    assert review["task"] == "Task_review"

    done = cli.ok("complete", review["id"], "--data", '{"akkoord": true}', now="2026-03-17T10:00:00+01:00")
    assert done == {"case_id": case_id, "status": "completed", "open_tasks": [], "incident": None}
    case = cli.ok("show", case_id)
    assert case["status"] == "completed"
    assert [e["type"] for e in case["events"]] == [
        "case_started", "task_completed", "task_completed", "timer_fired", "task_completed", "case_completed"]
    assert case["events"][3]["at"].startswith("2026-03-16T08:01")  # the clock time, in UTC
    assert case["events"][1]["actor"] == "tester"
    assert case["events"][1]["data"]["data"]["naam"] == "Fatima el Amrani"


def test_a_timer_fires_at_exactly_its_due_time(cli):
    """`--now` at a timer's due time fires it; SpiffWorkflow alone waits until strictly after."""
    cli.ok("deploy", TWEE, now=T0)
    case_id = cli.ok("start", "tweetimers", "--gemeente", "GM0363", now=T0)["case_id"]
    assert cli.ok("worker", "--once", now="2026-03-03T08:59:59.999999+01:00")["cases_moved"] == 0
    assert cli.ok("worker", "--once", now="2026-03-03T09:00:00+01:00")["cases_moved"] == 1  # P1D
    assert cli.ok("tasks", "--case", case_id) == []
    assert [e["type"] for e in cli.ok("show", case_id)["events"]] == ["case_started", "timer_fired"]
    assert cli.ok("worker", "--once", now="2026-03-03T10:00:00+01:00")["cases_moved"] == 1  # P1DT1H
    assert only_task(cli, case_id)["task"] == "Task_controle"
    assert cli.ok("audit", "verify", case_id)["cases"][0]["ok"] is True


def test_parallel_instances_completed_in_any_order_verify_and_replay(cli):
    """The replay completes the very task each event recorded, not the element's first open one."""
    cli.ok("deploy", GESPREKKEN)
    case_id = cli.ok("start", "gesprekken", "--gemeente", "GM0363",
                     "--data", '{"namen": ["Ahmed", "Fatima", "Ivan"]}')["case_id"]
    tasks = cli.ok("tasks", "--case", case_id)
    assert len(tasks) == 3
    for task, outcome in zip(reversed(tasks), ("laatste", "middelste", "eerste"), strict=True):
        cli.ok("complete", task["id"], "--data", json.dumps({"uitkomst": outcome}))
    assert cli.ok("show", case_id)["status"] == "completed"
    assert cli.ok("audit", "verify", case_id)["cases"][0]["ok"] is True
    replayed = cli("audit", "replay", case_id)
    assert replayed.code == 0, replayed.err


def test_a_task_a_timer_took_away_is_no_longer_open_not_unknown(cli):
    """Exit 3 (conflict), as for a task someone else completed: the caseworker submitted too late."""
    cli.ok("deploy", BELRONDE, now=T0)
    case_id = cli.ok("start", "belronde", "--gemeente", "GM0363", now=T0)["case_id"]
    bellen = only_task(cli, case_id)
    assert cli.ok("worker", "--once", now="2026-03-03T09:00:00+01:00")["cases_moved"] == 1
    escaleren = only_task(cli, case_id)
    assert escaleren["task"] == "Task_escaleren"
    late = cli("complete", bellen["id"], now="2026-03-03T09:05:00+01:00")
    assert late.code == 3 and "no longer open" in late.err, late.err
    assert cli("form", bellen["id"]).code == 3
    cli.ok("cancel", case_id, "--reason", "verhuisd", now="2026-03-03T09:10:00+01:00")
    assert cli("complete", escaleren["id"], now="2026-03-03T09:15:00+01:00").code == 3
    assert cli("complete", "00000000-0000-0000-0000-000000000000").code == 2  # never a task: unknown
    assert cli.ok("audit", "verify", case_id)["cases"][0]["ok"] is True


def test_invalid_form_data_is_refused_field_by_field_and_changes_nothing(cli):
    cli.ok("deploy", LIFECYCLE)
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 20}')["case_id"]
    intake = only_task(cli, case_id)
    before = cli.ok("show", case_id)

    result = cli("complete", intake["id"], "--data", '{"naam": 7, "datum": "2026-02-30"}')
    assert result.code == 2
    assert "naam: 7 is not of type 'string'" in result.err
    assert "datum: '2026-02-30' is not a 'date'" in result.err
    missing = cli("complete", intake["id"], "--data", "{}")
    assert missing.code == 2 and "naam: is required" in missing.err
    assert cli.ok("show", case_id) == before


def test_start_data_is_checked_against_the_start_form(cli):
    cli.ok("deploy", LIFECYCLE)
    result = cli("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": -1}')
    assert result.code == 2 and "leeftijd:" in result.err
    assert cli("start", "aanvraag", "--gemeente", "GM0363", "--data", "{not json").code == 2
    assert cli.ok("cases") == []


def test_completed_or_unknown_task_gives_conflict_or_invalid_input(cli):
    cli.ok("deploy", LIFECYCLE)
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 20}')["case_id"]
    intake = only_task(cli, case_id)
    cli.ok("complete", intake["id"], "--data", '{"naam": "A"}')
    again = cli("complete", intake["id"], "--data", '{"naam": "A"}')
    assert again.code == 3 and "no longer open" in again.err
    assert cli("complete", "00000000-0000-0000-0000-000000000000").code == 2
    assert cli("show", "no-such-case").code == 2
    assert cli("start", "no_such_process", "--gemeente", "GM0363").code == 2
    assert "Traceback" not in again.err


def test_redeploying_unchanged_files_changes_nothing_and_cases_keep_their_version(cli, tmp_path):
    import shutil

    cli.ok("deploy", LIFECYCLE)
    assert [d["changed"] for d in cli.ok("deploy", LIFECYCLE)] == [False, False]
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 20}')["case_id"]

    changed = tmp_path / "v2"
    shutil.copytree(LIFECYCLE, changed)
    bpmn = changed / "vervolg.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="Workshop bijwonen"', 'name="Workshop volgen"'))
    deployed = {d["process_id"]: d for d in cli.ok("deploy", str(changed))}
    assert deployed["vervolg"]["changed"] and deployed["vervolg"]["version"] == 2
    assert deployed["aanvraag"]["changed"]  # it calls vervolg, so its bundle changed too

    old_case = cli.ok("show", case_id)
    assert old_case["definition_version"] == 1
    intake = only_task(cli, case_id)
    cli.ok("complete", intake["id"], "--data", '{"naam": "A"}')
    assert only_task(cli, case_id)["title"] == "Workshop bijwonen"  # still on version 1
    new_case = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 20}')["case_id"]
    assert cli.ok("show", new_case)["definition_version"] == 2
    processes = {p["process_id"]: p for p in cli.ok("processes")}
    assert processes["aanvraag"]["startable"] and not processes["vervolg"]["startable"]
    assert processes["aanvraag"]["start_schema"]["required"] == ["leeftijd"]


def test_a_failing_script_marks_the_case_error_and_applies_nothing(cli):
    cli.ok("deploy", str(TESTS / "bpmn" / "incident"))
    case_id = cli.ok("start", "incident", "--gemeente", "GM0344")["case_id"]
    task = only_task(cli, case_id)
    result = cli("complete", task["id"], "--data", '{"deler": 0}', "--json")
    assert result.code == 1
    assert result.json["status"] == "error"
    case = cli.ok("show", case_id)
    assert case["status"] == "error"
    assert case["incident"]["task"] == "Script_deel"
    assert "division" in case["incident"]["message"]
    assert [t["task"] for t in case["open_tasks"]] == ["Task_invoer"]  # the completion was not applied
    assert case["events"][-1]["type"] == "incident_raised"
    # the same task, with data that works, resolves the incident
    cli.ok("complete", task["id"], "--data", '{"deler": 4}')
    case = cli.ok("show", case_id)
    assert case["status"] == "running" and case["data"]["resultaat"] == 25 and case["incident"] is None


def test_camunda_modeler_decision_reference_works_too(cli, tmp_path):
    import shutil

    folder = tmp_path / "camunda"
    shutil.copytree(LIFECYCLE, folder)
    bpmn = folder / "aanvraag.bpmn"
    text = bpmn.read_text().replace(
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"',
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
    text = text.replace('<bpmn:businessRuleTask id="Rule_toelating" name="Toelating bepalen">\n'
                        '      <bpmn:extensionElements>\n'
                        '        <spiffworkflow:calledDecisionId>besluit_toelating</spiffworkflow:calledDecisionId>\n'
                        '      </bpmn:extensionElements>',
                        '<bpmn:businessRuleTask id="Rule_toelating" name="Toelating bepalen" '
                        'camunda:decisionRef="besluit_toelating">')
    assert "camunda:decisionRef" in text
    bpmn.write_text(text)
    assert cli("validate", str(folder)).code == 0
    cli.ok("deploy", str(folder))
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 30}')["case_id"]
    cli.ok("complete", only_task(cli, case_id)["id"], "--data", '{"naam": "Ilse Smit"}')
    assert cli.ok("show", case_id)["data"]["toegelaten"] == "ja"


def test_timer_behind_an_event_based_gateway_fires_and_subprocess_tasks_keep_their_stage(cli):
    cli.ok("deploy", str(TESTS / "bpmn" / "wachten"), now=T0)
    case_id = cli.ok("start", "wachten", "--gemeente", "GM0363", now=T0)["case_id"]
    assert cli.ok("show", case_id)["stage"] == "intake"  # from the embedded subprocess around the task
    cli.ok("complete", only_task(cli, case_id)["id"], now=T0)
    case = cli.ok("show", case_id)
    assert case["open_tasks"] == [] and len(case["waiting_timers"]) == 1
    cli.ok("worker", "--once", now="2026-03-03T08:59:00+01:00")
    assert cli.ok("tasks", "--case", case_id) == []
    cli.ok("worker", "--once", now="2026-03-03T09:01:00+01:00")
    assert only_task(cli, case_id)["task"] == "Task_nabellen"
    assert cli.ok("show", case_id)["stage"] == "monitoring"


def test_coverage_counts_embedded_subprocess_tasks_for_their_process(cli):
    from engine.service import build_engine

    cli.ok("deploy", str(TESTS / "bpmn" / "wachten"))
    case_id = cli.ok("start", "wachten", "--gemeente", "GM0363")["case_id"]
    cli.ok("complete", only_task(cli, case_id)["id"])
    engine = build_engine(settings_for(cli.db_url))
    visited = engine.visited_nodes(case_id)
    engine.db.dispose()
    assert ("wachten", "Task_gesprek") in visited and ("wachten", "Sub_intake") in visited
    assert {process for process, _ in visited} == {"wachten"}
