"""A drawn process that can go no further: the designer hears of it in `validate`, the case becomes an
incident named after the element (never a silent 'running' with nothing to do), and `show` keeps the
data a finished parallel branch brought."""
from __future__ import annotations

import json

from conftest import TESTS

MODELS = TESTS / "bpmn" / "vastlopers"
PARALLEL = MODELS / "parallel_timer.bpmn"
DAY0, LATER = "2026-03-02T09:00:00+01:00", "2026-03-10T09:00:00+01:00"  # the timer on Task_b: 7 days


def _open(cli, case_id: str) -> dict[str, str]:
    return {t["task"]: t["id"] for t in cli.ok("tasks", "--case", case_id)}


def _parallel_case_with_branch_a_done(cli) -> str:
    cli.ok("deploy", str(PARALLEL), now=DAY0)
    case_id = cli.ok("start", "parallel_timer", "--gemeente", "GM0363", now=DAY0)["case_id"]
    cli.ok("complete", _open(cli, case_id)["Task_a"], "--data", json.dumps({"a_gedaan": "ja"}), now=DAY0)
    return case_id


def test_show_has_the_data_of_a_parallel_branch_that_waits_at_the_join(cli):
    case_id = _parallel_case_with_branch_a_done(cli)

    case = cli.ok("show", case_id)

    assert case["status"] == "running" and list(_open(cli, case_id)) == ["Task_b"]
    assert case["data"] == {"a_gedaan": "ja"}


def test_a_join_that_can_no_longer_fire_is_an_incident_named_after_the_join(cli):
    case_id = _parallel_case_with_branch_a_done(cli)

    cli.ok("worker", "--once", now=LATER)  # the boundary timer cancels Task_b: its flow never reaches Join

    case = cli.ok("show", case_id)
    assert case["status"] == "error"
    assert case["incident"]["task"] == "Join" and "cannot go on" in case["incident"]["message"]
    # the timer's step did not take effect: Task_b is still there to do, the data is kept
    assert list(_open(cli, case_id)) == ["Task_b"] and case["data"] == {"a_gedaan": "ja"}
    assert [row["id"] for row in cli.ok("incidents")] == [case_id]
    assert "INCIDENT at 'Join': the case cannot go on" in cli("show", case_id).out
    assert cli("audit", "verify", "--all").code == 0


def test_a_gateway_with_no_matching_condition_is_an_incident_named_after_the_gateway(cli):
    cli.ok("deploy", str(MODELS / "keuze.bpmn"), now=DAY0)
    case_id = cli.ok("start", "keuze", "--gemeente", "GM0363", now=DAY0)["case_id"]

    result = cli("complete", _open(cli, case_id)["Task_a"], "--data", '{"x": 3}', now=DAY0)

    assert result.code == 1
    assert f"case {case_id}: incident at 'Gw_keuze': No conditions satisfied for Gw_keuze" in result.err
    assert cli.ok("show", case_id)["incident"]["task"] == "Gw_keuze"


def test_validate_notes_a_join_that_a_boundary_event_starves(cli):
    result = cli("validate", str(PARALLEL))

    assert result.code == 0  # a note: the process runs as drawn
    assert (f"{PARALLEL}:9: Join: note: parallelGateway 'Join' waits for all its incoming flows, but boundary "
            "event 'Timer_b' cancels 'Task_b', whose path also runs into it") in result.out


def test_validate_notes_a_join_behind_an_exclusive_choice(cli, tmp_path):
    model = tmp_path / "keuze_join.bpmn"
    text = (MODELS / "keuze.bpmn").read_text(encoding="utf-8")
    text = text.replace('<bpmn:endEvent id="End_ja"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>',
                        '<bpmn:parallelGateway id="Join"><bpmn:incoming>F3</bpmn:incoming>'
                        '<bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>F5</bpmn:outgoing></bpmn:parallelGateway>')
    text = text.replace('<bpmn:endEvent id="End_nee"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>',
                        '<bpmn:endEvent id="End_nee"><bpmn:incoming>F5</bpmn:incoming></bpmn:endEvent>')
    text = text.replace('targetRef="End_ja"', 'targetRef="Join"').replace('sourceRef="Gw_keuze" targetRef="End_nee"',
                                                                          'sourceRef="Gw_keuze" targetRef="Join"')
    text = text.replace("</bpmn:process>",
                        '<bpmn:sequenceFlow id="F5" sourceRef="Join" targetRef="End_nee" /></bpmn:process>')
    model.write_text(text, encoding="utf-8")

    result = cli("validate", str(model))

    assert "Join: note: parallelGateway 'Join' waits for all its incoming flows, but exclusiveGateway " \
           "'Gw_keuze' takes only one of the paths that run into it" in result.out


def test_a_parallel_split_and_join_without_a_way_around_gets_no_note(cli, tmp_path):
    model = tmp_path / "parallel.bpmn"
    text = PARALLEL.read_text(encoding="utf-8")
    # the timer's path ends on its own instead of running into the join
    text = text.replace('<bpmn:incoming>F6</bpmn:incoming>', '')
    text = text.replace('sourceRef="Timer_b" targetRef="Join"', 'sourceRef="Timer_b" targetRef="Einde_timer"')
    text = text.replace("</bpmn:process>",
                        '<bpmn:endEvent id="Einde_timer"><bpmn:incoming>F6</bpmn:incoming></bpmn:endEvent>'
                        "</bpmn:process>")
    model.write_text(text, encoding="utf-8")

    result = cli("validate", str(model))

    assert result.code == 0 and "note" not in result.out, result.out


def test_a_boundary_path_that_ends_last_keeps_what_the_main_path_entered(cli):
    """SpiffWorkflow's data at the end is the last-ending branch's: here a reminder branch, split off
    before the form was filled in, ended after the error path and left the completed case with `{}`."""
    result = cli("test", str(TESTS / "bpmn" / "herinnering"))

    assert result.code == 0, result.out
    assert "1 scenario(s): 1 passed, 0 failed" in result.out
    # coverage counts the nodes inside the embedded subprocess the scenario ran (it listed them unvisited)
    unvisited = result.out.split("not visited in herinnering:")[1]
    assert "Task_controle" not in unvisited and "Task_afronden" in unvisited


def test_a_plain_python_error_inside_spiffworkflow_names_the_element_it_ran(cli):
    # a multi-instance task over a collection nobody set: SpiffWorkflow raises a bare TypeError
    cli.ok("deploy", str(MODELS / "mi_zonder_lijst.bpmn"), now=DAY0)

    result = cli("start", "mi_zonder_lijst", "--gemeente", "GM0363", now=DAY0)

    assert result.code == 1 and "stopped by an incident" in result.err
    (row,) = cli.ok("incidents")
    assert row["incident"]["task"] == "X" and "not iterable" in row["incident"]["message"]
