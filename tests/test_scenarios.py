"""`traject test`: designer scenario files run against the real engine.

(a) The runner on the small fixture processes in tests/scenarios/ (melding calls controle).
(b) Every shipped scenario under processes/, one test per file.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.bundle import SourceFile
from engine.scenarios.coverage import flow_nodes
from engine.scenarios.model import ScenarioInvalid, find_scenario_files, load_scenario
from engine.scenarios.report import render_text, result_lines, to_json
from engine.scenarios.runner import Workbench
from engine.scenarios.suite import run_suite
from engine.scenarios.timeline import parse_duration

from cli import Cli
from conftest import REPO, TESTS

FIXTURES = TESTS / "scenarios"
PROCESSES = REPO / "processes"


@pytest.fixture(scope="module")
def bench():
    with Workbench(FIXTURES) as workbench:
        yield workbench


def run_file(bench, name: str):
    return bench.run(load_scenario(FIXTURES / name))


def run_text(bench, tmp_path: Path, text: str):
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(text, encoding="utf-8")
    return bench.run(load_scenario(file))


START = "process: melding\nstart: {naam: Test Persoon, bedrag: 100}\n"
TO_PAYMENT = START + """steps:
  - complete: Task_invoer
    data: {datum: 2026-03-02, besluit: toekennen}
  - complete: Task_controleren
"""


# -- (a) the runner ---------------------------------------------------------------------------
def test_a_passing_scenario_runs_its_case_to_the_end(bench):
    result = run_file(bench, "toekennen.scenario.yaml")
    assert result.passed, result.failure
    assert result.case_id
    assert {("melding", "End_klaar"), ("controle", "Task_controleren")} <= result.visited
    assert bench.engine.show_case(result.case_id).summary.status == "completed"


def test_a_failing_expectation_names_the_step_and_what_was_expected_and_found(bench):
    result = run_file(bench, "failing/verkeerde_verwachting.scenario.yaml")
    assert result.status == "failed"
    failure = result.failure
    assert (failure.step, failure.line, failure.action) == (3, 9, "expect")
    details = {d.key: d for d in failure.details}
    assert set(details) == {"open", "stage", "data.besluit"}
    assert details["open"].expected == "Task_uitbetalen"
    assert details["open"].found == "Task_controleren (Controleren, controleur)"
    assert (details["stage"].expected, details["stage"].found) == ("uitbetaling", "controle")
    assert (details["data.besluit"].expected, details["data.besluit"].found) == ('"afwijzen"', '"toekennen"')


def test_expect_error_passes_when_the_form_refuses_naming_the_field(bench):
    result = run_file(bench, "afwijzen.scenario.yaml")
    assert result.passed, result.failure


def test_expect_error_fails_when_the_form_accepts_the_data(bench, tmp_path):
    result = run_text(bench, tmp_path, START + """steps:
  - expect_error: {complete: Task_invoer, data: {datum: 2026-03-02, besluit: afwijzen}, field: datum}
""")
    assert result.failure.step == 1
    assert "accepted the data" in result.failure.message
    assert result.failure.details[0].expected == "the form refuses the data naming datum"


def test_expect_error_fails_when_the_form_names_another_field(bench, tmp_path):
    result = run_text(bench, tmp_path, START + """steps:
  - expect_error: {complete: Task_invoer, data: {datum: 2026-03-02}, field: datum}
""")
    assert "not as expected" in result.failure.message
    assert result.failure.details[0].found == "besluit: is required"


def test_advance_fires_a_timer_once_its_term_has_passed(bench, tmp_path):
    assert run_file(bench, "termijn.scenario.yaml").passed
    early = run_text(bench, tmp_path, TO_PAYMENT + """  - advance: P6DT23H59M
  - expect: {open: [Task_herinnering]}
""")
    assert early.failure.step == 4
    assert early.failure.details[0].found == "Task_uitbetalen (Uitbetalen, medewerker)"


def test_an_unexpected_incident_fails_with_the_incident_message(bench):
    result = run_file(bench, "failing/onverwacht_incident.scenario.yaml")
    failure = result.failure
    assert (failure.step, failure.action) == (2, "complete Task_controleren")
    assert "incident at Script_termijn" in failure.message and "ZeroDivisionError" in failure.message


def test_an_incident_the_scenario_expects_passes(bench):
    assert run_file(bench, "incident_verwacht.scenario.yaml").passed


def test_a_task_that_is_not_open_lists_the_open_ones_and_suggests_a_misspelt_id(bench, tmp_path):
    result = run_text(bench, tmp_path, START + "steps:\n  - complete: Task_invoeren\n")
    failure = result.failure
    assert failure.message.startswith("Task_invoeren is not open: there is no element 'Task_invoeren'")
    assert "did you mean 'Task_invoer' (Melding invoeren)?" in failure.message
    assert failure.details[0].found == "Task_invoer (Melding invoeren, medewerker)"
    done = run_text(bench, tmp_path, START + """steps:
  - complete: Task_invoer
    data: {datum: 2026-03-02, besluit: afwijzen}
  - complete: Task_invoer
""")
    assert done.failure.details[0].found == "no open tasks (the case is completed)"


def test_as_checks_the_role_of_the_task(bench, tmp_path):
    result = run_text(bench, tmp_path, START + "steps:\n  - {complete: Task_invoer, as: controleur}\n")
    assert "belongs to another role" in result.failure.message
    assert (result.failure.details[0].expected, result.failure.details[0].found) == ("controleur", "medewerker")


def test_start_data_refused_by_the_start_form_and_an_unknown_process(bench, tmp_path):
    refused = run_text(bench, tmp_path, "process: melding\nstart: {naam: X}\n")
    assert refused.failure.action == "start" and refused.failure.details[0].found == "bedrag: is required"
    unknown = run_text(bench, tmp_path, "process: meldingen\n")
    assert "not deployed" in unknown.failure.message and "startable processes" in unknown.failure.message
    assert "melding" in unknown.failure.message


def test_coverage_counts_flow_nodes_per_process(bench):
    result = run_file(bench, "toekennen.scenario.yaml")
    coverage = {p.process_id: p for p in bench.coverage([result]).processes}
    melding, controle = coverage["melding"], coverage["controle"]
    assert (melding.startable, len(melding.nodes), melding.visited) == (True, 10, 7)
    assert [n.id for n in melding.unvisited] == ["End_afgewezen", "Timer_termijn", "Task_herinnering"]
    assert (controle.startable, controle.percent) == (False, 100.0)
    assert bench.coverage([result]).percent == round(100 * 10 / 13, 1)


def test_nodes_inside_an_embedded_subprocess_count_for_the_process_around_it():
    # as engine.instances.visited_nodes reports them (it ran, coverage listed them unvisited: probe 4)
    bpmn = b"""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">
      <bpmn:process id="p" isExecutable="true">
        <bpmn:laneSet id="LS"><bpmn:lane id="L" name="r" /></bpmn:laneSet>
        <bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F" sourceRef="S" targetRef="Sub" />
        <bpmn:subProcess id="Sub" name="Deel"><bpmn:userTask id="T" name="Doen" /></bpmn:subProcess>
        <bpmn:textAnnotation id="A" />
      </bpmn:process></bpmn:definitions>"""
    name, nodes = flow_nodes([SourceFile("p.bpmn", Path("/p.bpmn"), bpmn)])["p"]
    assert [(n.scope, n.id, n.kind) for n in nodes] == [
        ("p", "S", "startEvent"), ("p", "Sub", "subProcess"), ("p", "T", "userTask")]


def test_a_malformed_scenario_is_rejected_naming_the_file_step_and_key():
    file = FIXTURES / "broken" / "onbekende_sleutel.scenario.yaml"
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(file)
    assert str(caught.value) == (f"{file}:8: step 2 (complete): unknown key 'dta' (did you mean 'data'?); "
                                 "allowed: complete, data, as")


@pytest.mark.parametrize(("text", "line", "message"), [
    ("proces: melding\n", 1, "unknown key 'proces' (did you mean 'process'?)"),
    ("name: x\n", 1, "'process' is missing"),
    ("process: melding\nsteps:\n  - complete: [Task_a\n", 4, "not valid YAML"),
    ("process: melding\nprocess: melding\n", 2, "key 'process' is written twice"),
    ("process: melding\nsteps: {complete: T}\n", 2, "'steps' must be a list"),
    ("process: melding\nsteps:\n  - advance: 30 days\n", 3, "step 1: advance: '30 days' is not an ISO 8601 duration"),
    ("process: melding\nsteps:\n  - expect: {status: klaar}\n", 3, "expect.status must be one of running, completed"),
    ("process: melding\nsteps:\n  - expect: {open: Task_a}\n", 3, "expect.open must be a list of task ids"),
    ("process: melding\nsteps:\n  - {complete: T, expect: {}}\n", 3, "a step does exactly one of"),
    ("process: melding\nsteps:\n  - expect_error: {data: {}}\n", 3, "expect_error needs 'complete: <task id>'"),
    ("process: melding\nnow: gisteren\n", 2, "now: 'gisteren' is not an ISO 8601 date-time"),
    ("process: melding\nsteps:\n  - compleet: T\n", 3, "unknown key 'compleet' (did you mean 'complete'?)"),
])
def test_malformed_files_get_a_message_with_file_and_line(tmp_path, text, line, message):
    file = tmp_path / "kapot.scenario.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(file)
    assert str(caught.value).startswith(f"{file}:{line}: ")
    assert message in str(caught.value)


def test_yaml_keeps_dates_and_yes_no_as_text(tmp_path):
    file = tmp_path / "tekst.scenario.yaml"
    file.write_text("process: p\nnow: 2026-03-02T09:00:00+01:00\n"
                    "start: {datum: 2026-03-02, antwoord: no, ja: true}\n", encoding="utf-8")
    scenario = load_scenario(file)
    assert scenario.start == {"datum": "2026-03-02", "antwoord": "no", "ja": True}
    assert scenario.now.isoformat() == "2026-03-02T09:00:00+01:00"
    assert scenario.name == "tekst" and scenario.gemeente == "GM0000"


def test_durations_count_months_on_the_calendar():
    start = datetime.fromisoformat("2026-01-31T09:00:00+01:00")
    assert parse_duration("P1M").after(start).isoformat() == "2026-02-28T09:00:00+01:00"
    assert parse_duration("P1Y2W").after(start).isoformat() == "2027-02-14T09:00:00+01:00"
    assert parse_duration("P1DT2H30M").after(start).isoformat() == "2026-02-01T11:30:00+01:00"
    for bad in ("P", "PT", "30D", "P1.5D", "P1H"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_the_suite_reports_every_file_and_the_coverage():
    suite = run_suite(FIXTURES)
    statuses = {Path(r.file).name: r.status for r in suite.results}
    assert statuses == {
        "afwijzen.scenario.yaml": "passed", "incident_verwacht.scenario.yaml": "passed",
        "termijn.scenario.yaml": "passed", "toekennen.scenario.yaml": "passed",
        "verkeerde_verwachting.scenario.yaml": "failed", "onverwacht_incident.scenario.yaml": "failed",
        "onbekende_sleutel.scenario.yaml": "invalid"}
    assert not suite.passed and suite.coverage.percent == 100.0
    text = render_text(suite)
    assert "FAIL  Verkeerde verwachting  (" in text
    assert "step 3 (expect), line 9: the case is not as expected" in text
    assert "the file, line 8: step 2 (complete): unknown key 'dta'" in text
    assert "7 scenario(s): 4 passed, 3 failed" in text
    assert to_json(suite)["coverage"]["processes"][1]["process_id"] == "controle"


def test_traject_test_command(capsys, sqlite_url):
    cli = Cli(capsys, sqlite_url)
    ok = cli("test", str(FIXTURES), "-k", "toekennen")
    assert ok.code == 0, ok.out + ok.err
    assert f"PASS  Melding toegekend  ({FIXTURES / 'toekennen.scenario.yaml'})" in ok.out
    assert "not visited in melding:" in ok.out and "  End_afgewezen  Afgewezen  [endEvent]" in ok.out
    assert cli("test", str(FIXTURES)).code == 1
    assert cli("test", str(FIXTURES), "-k", "toekennen", "--min-coverage", "90").code == 1
    result = cli("test", str(FIXTURES), "-k", "termijn", "--json")
    assert result.code == 0 and result.json["passed"] and result.json["scenarios"][0]["status"] == "passed"
    assert cli("test", str(FIXTURES), "-k", "bestaat-niet").code == 2
    missing = cli("test", str(FIXTURES / "melding.bpmn"))
    assert missing.code == 2 and "not a folder" in missing.err and "Traceback" not in missing.err


# -- (b) the shipped scenarios ----------------------------------------------------------------
SHIPPED = find_scenario_files(PROCESSES) if PROCESSES.is_dir() else []


@pytest.fixture(scope="module")
def shipped_bench():
    with Workbench(PROCESSES) as workbench:
        yield workbench


@pytest.mark.parametrize("file", SHIPPED or [pytest.param(None, marks=pytest.mark.skip(
    reason="no scenario files (*.scenario.yaml) under processes/ yet"))],
    ids=[str(f.relative_to(PROCESSES)) for f in SHIPPED] or None)
def test_shipped_scenario(shipped_bench, file):
    result = shipped_bench.run(load_scenario(file))
    assert result.passed, "\n" + "\n".join(result_lines(result))
