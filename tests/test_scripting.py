"""The restricted script engine, run through real SpiffWorkflow processes parsed from inline BPMN/DMN."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.clock import fixed_clock, running_on
from engine.scripting import (
    add_days,
    add_months,
    check_dmn_input_entry,
    check_syntax,
    days_between,
    make_script_engine,
    parse_date,
)

BPMN = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="Definitions_test" targetNamespace="http://traject.example/test">
  <bpmn:process id="p" isExecutable="true">{body}</bpmn:process>
</bpmn:definitions>"""

DMN = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_niveau"
    name="Niveau" namespace="http://traject.example/dmn">
  <decision id="niveau_besluit" name="Niveau">
    <decisionTable id="Table_niveau" hitPolicy="FIRST">
      <input id="In_leeftijd" label="Leeftijd">
        <inputExpression id="Expr_leeftijd"><text>leeftijd</text></inputExpression>
      </input>
      <input id="In_soort" label="Soort">
        <inputExpression id="Expr_soort"><text>soort</text></inputExpression>
      </input>
      <output id="Out_niveau" label="Niveau" name="niveau" />
      {rules}
    </decisionTable>
  </decision>
</definitions>"""

RULES = [("&lt; 18", "-", '"jeugd"'), ("-", '"vrijwilliger"', '"vrijwillig"'),
         ("18 &lt;= ? &lt; 65", "-", '"volwassen"'), ("", "", '"overig"')]


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    cond = f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>" if condition else ""
    return (f'<bpmn:sequenceFlow id="{flow_id or source + "_" + target}" sourceRef="{source}" '
            f'targetRef="{target}">{cond}</bpmn:sequenceFlow>')


def script_task(task_id: str, script: str) -> str:
    return f'<bpmn:scriptTask id="{task_id}"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'


def linear(*nodes: tuple[str, str]) -> str:
    """start -> nodes -> end, each node given as (id, xml)."""
    ids = ["start"] + [node_id for node_id, _ in nodes] + ["end"]
    flows = "".join(flow(a, b) for a, b in zip(ids, ids[1:], strict=False))
    return '<bpmn:startEvent id="start"/>' + "".join(x for _, x in nodes) + '<bpmn:endEvent id="end"/>' + flows


def workflow(body: str, dmn: str | None = None, **data) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(BPMN.format(body=body), "test.bpmn")
    if dmn:
        parser.add_dmn_str(dmn, "test.dmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=make_script_engine())
    wf.task_tree.data.update(data)  # the root's data flows into the first tasks
    return wf


def run_script(script: str, **data) -> BpmnWorkflow:
    wf = workflow(linear(("script", script_task("script", script))), **data)
    wf.do_engine_steps()
    return wf


def failing_script(script: str, **data) -> tuple[WorkflowTaskException, object]:
    wf = workflow(linear(("script", script_task("script", script))), **data)
    with pytest.raises(WorkflowTaskException) as info:
        wf.do_engine_steps()
    task = wf.get_next_task(spec_name="script")
    assert task.state == TaskState.ERROR
    assert info.value.task is task
    return info.value, task


# ---- running real processes ------------------------------------------------------------------------

def test_script_task_computes_values_and_keeps_data_json():
    wf = run_script(
        "totaal = sum(bedragen)\n"
        "namen = sorted(n.upper() for n in personen)\n"
        "paar = (1, 2)\n"
        "for i, naam in enumerate(personen):\n"
        "    teller += 1\n"
        "info = {'eerste': personen[0]}\n"
        "info['aantal'] = len(personen)\n"
        "einde = add_months('2024-01-31', 1)\n"
        "dag = parse_date('2024-03-01')\n"
        "def dubbel(x):\n"
        "    return x * 2\n"
        "dubbeltje = dubbel(5)\n"
        "del weg\n",
        bedragen=[10, 20.5], personen=["bo", "an"], teller=0, weg="x",
    )
    assert wf.is_completed()
    data = wf.last_task.data
    assert data["totaal"] == 30.5 and data["namen"] == ["AN", "BO"] and data["teller"] == 2
    assert data["paar"] == [1, 2] and data["info"] == {"eerste": "bo", "aantal": 2}
    assert data["einde"] == "2024-02-29" and data["dag"] == "2024-03-01" and data["dubbeltje"] == 10
    assert "weg" not in data and "dubbel" not in data and "now" not in data
    json.dumps(data)  # dates became ISO text, tuples lists, functions and helpers were dropped


def test_gateway_condition_chooses_the_branch():
    body = ('<bpmn:startEvent id="start"/>'
            '<bpmn:exclusiveGateway id="gw" default="gw_minor"/>'
            + script_task("adult", "route = 'volwassen'") + script_task("minor", "route = 'jeugd'")
            + '<bpmn:endEvent id="end"/>'
            + flow("start", "gw") + flow("gw", "adult", "leeftijd >= 18 and len(naam) > 0")
            + flow("gw", "minor") + flow("adult", "end") + flow("minor", "end"))
    for leeftijd, route in [(30, "volwassen"), (12, "jeugd")]:
        wf = workflow(body, leeftijd=leeftijd, naam="Sam")
        wf.do_engine_steps()
        assert wf.is_completed() and wf.last_task.data["route"] == route


def test_gateway_condition_escape_puts_gateway_in_error():
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" default="gw_end"/>'
            '<bpmn:endEvent id="end"/>' + flow("start", "gw")
            + flow("gw", "end", "().__class__.__base__.__subclasses__()", flow_id="gw_bad")
            + flow("gw", "end"))
    wf = workflow(body)
    with pytest.raises(WorkflowTaskException, match="access to '__class__' is not allowed in scripts"):
        wf.do_engine_steps()
    assert wf.get_next_task(spec_name="gw").state == TaskState.ERROR


@pytest.mark.parametrize(("leeftijd", "soort", "niveau"), [
    (12, "verplicht", "jeugd"), (40, "vrijwilliger", "vrijwillig"),
    (40, "verplicht", "volwassen"), (70, "verplicht", "overig"),
])
def test_dmn_business_rule_task_chooses_a_value(leeftijd, soort, niveau):
    rules = "".join(
        f'<rule id="R{i}"><inputEntry id="A{i}"><text>{a}</text></inputEntry>'
        f'<inputEntry id="B{i}"><text>{b}</text></inputEntry><outputEntry id="O{i}"><text>{o}</text></outputEntry></rule>'
        for i, (a, b, o) in enumerate(RULES))
    task = ('<bpmn:businessRuleTask id="rule"><bpmn:extensionElements><spiffworkflow:calledDecisionId>'
            'niveau_besluit</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>')
    wf = workflow(linear(("rule", task)), DMN.format(rules=rules), leeftijd=leeftijd, soort=soort)
    wf.do_engine_steps()
    assert wf.is_completed() and wf.last_task.data["niveau"] == niveau


def test_now_and_today_use_the_engine_clock():
    # 22:30 UTC on 31 May is already 1 June in Amsterdam (CEST, UTC+2).
    at = datetime(2024, 5, 31, 22, 30, tzinfo=UTC)
    with running_on(fixed_clock(at)):
        wf = run_script("moment = now()\ndag = today()\nover_een_week = add_days(today(), 7)\n"
                        "jaar = now().year")
    data = wf.last_task.data
    assert data["moment"] == at.isoformat() and data["jaar"] == 2024
    assert data["dag"] == "2024-06-01" and data["over_een_week"] == "2024-06-08"


def test_pre_and_post_scripts_run_restricted():
    task = ('<bpmn:userTask id="form"><bpmn:extensionElements>'
            '<spiffworkflow:preScript>groet = "hoi " + naam</spiffworkflow:preScript>'
            '<spiffworkflow:postScript>klaar = akkoord and len(groet) &gt; 0</spiffworkflow:postScript>'
            '</bpmn:extensionElements></bpmn:userTask>')
    wf = workflow(linear(("form", task)), naam="Sam")
    wf.do_engine_steps()
    [ready] = wf.get_tasks(state=TaskState.READY, manual=True)
    assert ready.data["groet"] == "hoi Sam"
    ready.data.update(akkoord=True)
    ready.run()
    wf.do_engine_steps()
    assert wf.is_completed() and wf.last_task.data["klaar"] is True


# ---- escapes and errors ----------------------------------------------------------------------------

@pytest.mark.parametrize(("script", "message"), [
    ("x = ().__class__.__base__.__subclasses__()", "access to '__class__' is not allowed in scripts"),
    ("x = __import__('os')", "the name '__import__' is not allowed in scripts"),
    ("import os", "imports are not allowed in scripts"),
    ("from os import path", "imports are not allowed in scripts"),
    ("x = open('/etc/passwd').read()", "'open' is not available in scripts"),
    ("x = eval('1')", "Eval calls are not allowed"),  # RestrictedPython's own wording
    ("x = exec('y = 1')", "Exec calls are not allowed"),
    ("x = compile('1', 'f', 'eval')", "'compile' is not available in scripts"),
    ("x = globals()", "'globals' is not available in scripts"),
    ("x = getattr(a, '__class__')", "'getattr' is not available in scripts"),
    ("x = random._os", "access to '_os' is not allowed in scripts"),
    ("x = random.choice([1, 2])", "NameError: name 'random' is not defined"),
    ("x = '{0.__class__}'.format(a)", "format"),
    ("x = (i for i in []).gi_frame", "gi_frame"),
    ("x = date.today()", "'today()' reads the wall clock"),
    ("x = datetime.now()", "'now()' reads the wall clock"),
    ("x = now().today()", "'today()' reads the wall clock"),
    ("raise SystemExit(1)", "'SystemExit' is not available in scripts"),
    ("class A:\n    pass", "class definitions are not allowed in scripts"),
    ("raise Exception.mro()[1]()", "access to 'mro' is not allowed in scripts"),  # BaseException
    ("x = str.mro()", "access to 'mro' is not allowed in scripts"),
    # Values over the size guard: each would take GBs (and minutes) before failing, if it failed at all.
    ("x = 'x' * 2 ** 31", "a repetition would be too large"),
    ("x = 10 ** 9 * [0]", "a repetition would be too large"),
    ("x = 'ab'\nx *= 10 ** 9", "a repetition would be too large"),
    ("x = 10 ** 10 ** 8", "a power would be too large"),
    ("x = pow(7, 10 ** 8)", "a power would be too large"),
    ("x = 1 << 10 ** 9", "a shift would be too large"),
])
def test_escapes_fail_with_a_clear_error_and_the_task_in_error(script, message):
    error, _task = failing_script(script, a=1)
    assert message in str(error)


def test_arithmetic_under_the_size_guard_still_works():
    wf = run_script("a = 3 * 4\nb = 2 ** 10\nc = 'ab' * 3\nd = -2 ** 3\ne = 2.0 ** 0.5\nf = pow(2, 5, 3)\n"
                    "g = [0] * 3\nh = 1 << 8\nk = 5\nk *= 2\nm = 0 ** 5")
    data = wf.last_task.data
    assert (data["a"], data["b"], data["c"], data["d"], data["f"]) == (12, 1024, "ababab", -8, 2)
    assert round(data["e"], 3) == 1.414 and data["g"] == [0, 0, 0] and data["h"] == 256 and data["k"] == 10
    assert data["m"] == 0


def test_anything_a_script_raises_stays_an_exception():
    """Even a BaseException (were one reachable) ends as an Exception, so no `except Exception` is passed."""
    from engine.scripting import RestrictedEnvironment

    with pytest.raises(Exception, match="raising GeneratorExit is not allowed"):
        RestrictedEnvironment().execute("x = stop()", {"stop": _raise_generator_exit})


def _raise_generator_exit():
    raise GeneratorExit


def test_runtime_error_names_the_line_and_leaves_data_untouched():
    error, task = failing_script("lijst.append(3)\nteller = 5\nx = 1 / 0", lijst=[1], teller=0)
    assert error.line_number == 3 and error.error_line == "x = 1 / 0"
    assert "script failed on line 3: ZeroDivisionError: division by zero" in str(error)
    assert task.data["lijst"] == [1] and task.data["teller"] == 0  # the script ran on a copy


def test_syntax_error_reports_its_line():
    error, _task = failing_script("x = 1\ny = (\n")
    assert error.line_number == 2 and "was never closed" in str(error)


def test_values_that_are_not_json_are_refused_by_name():
    error, task = failing_script("goed = 1\nverzameling = {1, 2}")
    assert "variable 'verzameling' holds a set" in str(error)
    assert "goed" not in task.data


def test_task_data_wins_over_helpers_and_the_error_names_the_key():
    wf = run_script("kopie = now\ndate = 'vandaag'", now="formulierwaarde")
    assert wf.last_task.data["kopie"] == "formulierwaarde" and wf.last_task.data["now"] == "formulierwaarde"
    assert wf.last_task.data["date"] == "vandaag"
    error, task = failing_script("x = now()", now="formulierwaarde")
    assert "'str' object is not callable" in str(error) and "task data now hides" in str(error)
    assert task.data["now"] == "formulierwaarde"


def test_data_keys_cannot_replace_the_guards():
    wf = run_script("x = len(a)", a=[1], _getattr_="kapot", __builtins__={"open": "x"})
    assert wf.last_task.data["x"] == 1 and wf.last_task.data["_getattr_"] == "kapot"
    error, _task = failing_script("x = open('/etc/passwd')", _getattr_="kapot", __builtins__={"open": "x"})
    assert "'open' is not available in scripts" in str(error)


def test_one_engine_serves_many_threads():
    engine = make_script_engine()
    env = engine.environment

    def work(n: int) -> int:
        data = {"n": n}
        env.execute("m = n * 2", data)
        return env.evaluate("m + 1", data)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(work, range(200))) == [n * 2 + 1 for n in range(200)]


# ---- helpers and validation ------------------------------------------------------------------------

def test_date_helpers():
    assert add_days("2024-02-28", 2) == "2024-03-01" and add_days(date(2024, 1, 1), -1) == "2023-12-31"
    assert add_months("2024-01-31", 1) == "2024-02-29" and add_months("2024-11-15", 3) == "2025-02-15"
    assert add_months("2024-03-31", -1) == "2024-02-29"
    assert days_between("2024-01-01", "2024-03-01") == 60 and days_between("2024-01-02", "2024-01-01") == -1
    assert parse_date("2024-05-31T23:30:00+00:00") == date(2024, 6, 1)  # Dutch date of that moment
    with pytest.raises(ValueError):
        parse_date("31-05-2024")


@pytest.mark.parametrize(("source", "mode", "expected"), [
    ("x = 1\ny = x + 1", "exec", None),
    ("leeftijd >= 18", "eval", None),
    ("\n   leeftijd >= 18\n", "eval", None),
    ("\n   leeftijd >=\n", "eval", (2, "invalid syntax at statement: 'leeftijd >='")),  # line in the XML text
    ("    x = 1\n    y = 2", "exec", None),  # indented script text from XML
    ("x = 1\ny = (\n", "exec", (2, "'(' was never closed at statement: 'y = ('")),
    ("x = 1\n\nx = ().__class__", "exec", (3, "access to '__class__' is not allowed in scripts")),
    ("import os", "exec", (1, "imports are not allowed in scripts")),
    ("_geheim = 1", "exec", (1, "the name '_geheim' is not allowed in scripts")),
    ("x = 1", "eval", (1, "invalid syntax at statement: 'x = 1'")),
    ("yield 1", "exec", (1, "'yield' outside function")),
])
def test_check_syntax(source, mode, expected):
    assert check_syntax(source, mode) == expected


@pytest.mark.parametrize(("text", "ok"), [
    ('"a"', True), ("< 5", True), (">= 18", True), ("-", True), ("", True), (None, True),
    ("? in ('a', 'b')", True), ("4 < ? < 6", True), (" in ('a', 'b')", True), ("True", True),
    ('"x", "y"', False),  # compared with a tuple: never matches
    ("in ('a', 'b')", False), ("not in (1, 2)", False),  # glued onto the input: 'leeftijdin (...)'
    ("<", False), ("a b", False), ("? .__class__", False),
])
def test_check_dmn_input_entry(text, ok):
    problem = check_dmn_input_entry(text)
    assert (problem is None) is ok, problem
    if problem:
        assert problem[0] == 1 and problem[1]
