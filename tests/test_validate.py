"""engine.validation: every broken corpus file yields its one located problem; the good set none.

conftest's autouse fixture runs each test in a temporary working folder, so ./schemas is empty.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from engine.bundle import SourceFile, collect
from engine.validation import Problem, validate_files
from engine.validation.timers import timer_value_problem

CORPUS = Path(__file__).parent / "corpus"
GOOD = CORPUS / "good"
BROKEN = CORPUS / "broken"


def validate(*paths: Path, schema_dirs=()) -> list[Problem]:
    return validate_files(collect([str(p) for p in paths]), schema_dirs)


def line_of(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


# (file validated, file the problem is reported in, element id, text on the expected line, message part)
CASES = [
    ("not_well_formed.bpmn", None, None, "</bpmn:task>",
     "not well-formed XML: <documentation> (opened on line 8) is closed by </task> (column 17)"),
    # only the duplicate: not what SpiffWorkflow makes of the two tasks read as one
    ("duplicate_id.bpmn", None, "Task_intake", 'name="Gesprek"', "id 'Task_intake' is used more than once"),
    ("xxe.bpmn", None, None, "<!DOCTYPE", "DOCTYPE and ENTITY declarations are not allowed"),
    ("billion_laughs.bpmn", None, None, "<!DOCTYPE", "DOCTYPE and ENTITY declarations are not allowed"),
    ("dangling_flow.bpmn", None, "Flow_dangling", 'id="Flow_dangling"', "targetRef 'End_verdwenen'"),
    ("unknown_process.bpmn", None, "Call_onbekend", 'id="Call_onbekend"', "process 'bestaat_niet'"),
    ("unknown_decision.bpmn", None, "Rule_onbekend", "onbekend_besluit", "decision 'onbekend_besluit'"),
    ("missing_form.bpmn", None, "Task_1", "ontbreekt.schema.json",
     "form file 'ontbreekt.schema.json' not found (looked in: "),
    ("invalid_form.bpmn", "invalid_form.schema.json", "Task_1", '"strng"',
     "not a valid JSON Schema (draft 2020-12) at properties/leeftijd/type"),
    ("invalid_json_form.bpmn", "invalid_json.schema.json", "Task_1", '"leeftijd"', "is not valid JSON"),
    ("bad_script.bpmn", None, "Script_fout", "if totaal", "script: syntax error (line 2 of the script)"),
    ("bad_prescript.bpmn", None, "Task_1", "preScript", "pre-script: syntax error"),
    ("bad_condition.bpmn", None, "Flow_ja", "&gt;= =", "condition: syntax error"),
    ("gateway_no_condition.bpmn", None, "Flow_nee", 'id="Flow_nee"', "without a condition"),
    ("bad_timer.bpmn", None, "Timer_wacht", "timeDuration", "timer 'P14' is not a valid ISO 8601 duration"),
    ("unquoted_timer.bpmn", None, "Timer_wacht", "timeDuration", 'with quotes: "P14D"'),
    ("task_outside_lane.bpmn", None, "Task_zonder_lane", 'id="Task_zonder_lane"', "is not in any lane"),
    ("no_lanes.bpmn", None, "Task_1", 'id="Task_1"', "process 'zonder_lanes' has no lanes"),
    ("xsd_error.bpmn", None, "Task_1", "kleur=", "XML schema: Element 'bpmn:task', attribute 'kleur'"),
    ("bad_dmn_entry.dmn", None, "Entry_1", "&gt;= 18 and", "rule 'Rule_1' input entry '>= 18 and'"),
    ("bad_dmn_output.dmn", None, "Out_1", '"ja" +', "rule 'Rule_1' output entry: syntax error"),
    ("dmn_glued_operator.dmn", None, "Entry_1", "in [16, 17]", "'? in [16, 17]'"),
    ("reserved_id.bpmn", None, "Start", '<bpmn:startEvent id="Start"', "the id 'Start' is reserved by SpiffWorkflow"),
    ("boundary_badattach.bpmn", None, "BT", 'attachedToRef="Y_niet"', "attachedToRef 'Y_niet', which names no activity"),
    # SpiffWorkflow's own errors here were a TypeError and an AttributeError about its internals
    ("err_undefined.bpmn", None, "S_e", 'errorRef="Err_nergens"', "errorRef 'Err_nergens' names no <bpmn:error>"),
    ("msg_undefined.bpmn", None, "X", 'messageRef="Msg_nergens"', "messageRef 'Msg_nergens' names no <bpmn:message>"),
    ("egw_task.bpmn", None, "X", 'id="F3"', "event-based gateway 'X' leads to userTask 'T2'; it may lead only to"),
    ("call_self.bpmn", None, "X", 'calledElement="p4_bad_call_self"', "calls the process it is in"),
    ("spiff_multiple_outgoing.bpmn", None, "Task_splitst", 'id="Task_splitst"',
     "SpiffWorkflow: Multiple outgoing flows are not supported"),
]


@pytest.mark.parametrize(("name", "reported_in", "element_id", "marker", "message"), CASES,
                         ids=[case[0] for case in CASES])
def test_broken_file_has_its_one_problem(name, reported_in, element_id, marker, message):
    where = BROKEN / (reported_in or name)
    problems = validate(BROKEN / name)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert problem.path == str(where)
    assert problem.element_id == element_id
    assert problem.line == line_of(where, marker)
    assert message in problem.message


def test_good_set_has_no_problems():
    assert validate(GOOD) == []


def test_good_set_is_complete():
    # Guards the corpus itself: the good set exercises what the brief asks for.
    text = "".join(p.read_text() for p in GOOD.glob("*.bpmn"))
    for needle in ("<bpmn:lane ", "calledElement=", "calledDecisionId", '"P14D"', "<bpmn:script>",
                   "formJsonSchemaFilename", "formUiSchemaFilename"):
        assert needle in text
    assert list(GOOD.glob("*.dmn"))


def test_all_files_together_report_each_problem_once_and_nothing_on_the_good_set():
    problems = validate(CORPUS)
    assert not [p for p in problems if p.path.startswith(str(GOOD))]
    for name, reported_in, element_id, _marker, _message in CASES:
        path = str(BROKEN / (reported_in or name))
        assert [p for p in problems if p.path == path and p.element_id == element_id], name
    assert len(problems) == len(set(problems))


def test_every_problem_in_a_file_is_found_and_sorted():
    problems = validate(CORPUS / "multi")
    found = {(p.element_id, p.message.split(" ")[0]) for p in problems}
    assert {("Task_zonder_lane", "userTask"), ("Task_zonder_lane", "form"), ("Script_fout", "script:"),
            ("Timer_fout", "timer"), ("Call_onbekend", "call"), ("Task_wees", "task")} <= found
    # Task_wees (no flows at all): unreachable, no outgoing flow, and as an untyped task it needs a lane.
    assert len([p for p in problems if p.element_id == "Task_wees"]) == 3
    assert len(problems) == 8
    assert problems == sorted(problems, key=lambda p: (p.path, p.line or 0, p.element_id or "", p.message))


@pytest.mark.parametrize("name", ["xxe.bpmn", "billion_laughs.bpmn"])
def test_entities_are_never_expanded_into_messages(name):
    started = time.perf_counter()
    problems = validate(BROKEN / name)
    assert time.perf_counter() - started < 5  # generous: expansion of lol9 would take far longer
    text = "\n".join(str(p) for p in problems)
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first = passwd.read_text().splitlines()[0]
        assert first not in text
    assert "root:" not in text and "lollol" not in text


def test_problem_str_format():
    assert str(Problem("a.bpmn", 3, "Task_1", "kapot")) == "a.bpmn:3: Task_1: kapot"
    assert str(Problem("a.bpmn", None, None, "kapot")) == "a.bpmn:0: -: kapot"


def test_form_found_in_a_configured_schema_dir(tmp_path):
    shutil.copy(BROKEN / "missing_form.bpmn", tmp_path / "proces.bpmn")
    forms = tmp_path / "formulieren"
    forms.mkdir()
    shutil.copy(GOOD / "review.schema.json", forms / "ontbreekt.schema.json")
    assert validate(tmp_path / "proces.bpmn") != []
    assert validate(tmp_path / "proces.bpmn", schema_dirs=[forms]) == []


def test_ui_schema_must_be_an_object(tmp_path):
    shutil.copytree(GOOD, tmp_path, dirs_exist_ok=True)
    (tmp_path / "intake.uischema.json").write_text('["ui:order"]\n')
    problems = validate(tmp_path)
    assert [(Path(p.path).name, p.element_id, p.line) for p in problems] == [
        ("intake.uischema.json", "Task_intake", 1)]
    assert "must be a JSON object, not list" in problems[0].message


def test_form_name_may_not_leave_the_search_folders(tmp_path):
    text = (BROKEN / "missing_form.bpmn").read_text().replace("ontbreekt.schema.json", "../geheim.json")
    (tmp_path / "proces.bpmn").write_text(text)
    (problem,) = validate(tmp_path / "proces.bpmn")
    assert "must be a plain file name" in problem.message


TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="Start_1" />
    <bpmn:intermediateCatchEvent id="Timer_1">
      <bpmn:timerEventDefinition id="TimerDef_1">
        <bpmn:{kind}>{expression}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Timer_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Timer_1" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize(("kind", "expression", "expected"), [
    ("timeDuration", '"P14D"', None),
    ("timeDuration", "'PT1H30M'", None),
    ("timeDuration", "termijn", None),  # a variable: only its syntax can be checked
    ("timeDuration", "termijn +", "syntax error"),
    ("timeDuration", "14", "evaluates to int, not an ISO 8601 duration string"),
    ("timeDuration", "PT1H30M", "with quotes"),
    ("timeDate", '"2025-03-01T09:00:00+01:00"', None),
    ("timeDate", '"P14D"', "not a valid ISO 8601 date-time"),
    ("timeCycle", '"R3/P1W"', None),
    ("timeCycle", "R3/P1W", "with quotes"),
    ("timeCycle", '"P1W"', "not a valid ISO 8601 cycle"),
])
def test_timer_expressions(tmp_path, kind, expression, expected):
    path = tmp_path / "timer.bpmn"
    path.write_text(TIMER_BPMN.format(kind=kind, expression=expression))
    problems = validate_files([SourceFile("timer.bpmn", path, path.read_bytes())])
    if expected is None:
        assert problems == []
    else:
        assert [(p.element_id, p.line) for p in problems] == [("Timer_1", 7)]
        assert expected in problems[0].message


@pytest.mark.parametrize("value", ["P14D", "P1Y2M", "PT1H30M", "P2W", "P1DT12H"])
def test_valid_iso_durations(value):
    assert timer_value_problem("duration", value) is None


@pytest.mark.parametrize("value", ["14 days", "P", "PX", "P14", "PT", "1D", "P1W2D"])
def test_invalid_iso_durations(value):
    assert timer_value_problem("duration", value) == (
        f"timer '{value}' is not a valid ISO 8601 duration (for example P14D, P2W, PT1H30M)")


def test_duplicate_process_ids_across_files(tmp_path):
    for name in ("a.bpmn", "b.bpmn"):
        shutil.copy(GOOD / "vervolg.bpmn", tmp_path / name)
    problems = validate(tmp_path)
    assert any("Duplicate process ID: vervolg" in p.message and p.path.endswith("b.bpmn") for p in problems)


def test_what_spiffworkflow_runs_otherwise_than_bpmn_is_a_note_at_its_element():
    """engine/validation/limits.py: each note measured on raw SpiffWorkflow 3.2 (notes: the model runs)."""
    path = CORPUS / "limits" / "spiff_limits.bpmn"
    found = {p.element_id: p for p in validate(path) if "SpiffWorkflow 3.2" in p.message}
    assert set(found) == {"Start_intrek", "Start_termijn", "Bnd_dag", "Bnd_adres"}
    assert all(p.is_note for p in found.values())
    assert "never starts it" in found["Start_intrek"].message
    assert "does not cancel the open tasks" in found["Start_termijn"].message
    assert "cancelled when 'Task_brief' completes" in found["Bnd_dag"].message
    assert "catches its message once" in found["Bnd_adres"].message
    assert found["Bnd_dag"].line == line_of(path, 'id="Bnd_dag"')
