"""Timer expressions (timeDate, timeDuration, timeCycle).

In SpiffWorkflow a timer is a Python expression that must evaluate to an ISO 8601 string, so a
duration is written "P14D" with quotes. A plain string literal is checked against the same parser
SpiffWorkflow uses when the timer starts; anything else only gets a syntax check.
"""
from __future__ import annotations

import ast
import re

from .documents import NS, Document, local_name, text_of
from .problem import Problem
from .syntax import code_problem

_KINDS = {"timeDuration": "duration", "timeDate": "date-time", "timeCycle": "cycle"}
# Looks like an ISO value typed without quotes, even if it is not a valid one ("P14", "PT1H30").
_ISO_LOOKING_NAME = re.compile(r"^[PR]T?\d")


def timer_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    problems = []
    for definition in doc.root.xpath(".//bpmn:timerEventDefinition", namespaces=NS):
        event = definition.getparent()
        event_id = event.get("id") if event is not None else None
        specs = [child for child in definition if local_name(child) in _KINDS]
        if not specs:
            problems.append(doc.problem(definition, "timer has no timeDate, timeDuration or timeCycle",
                                        element_id=event_id))
        for spec in specs:
            problem = _spec_problem(doc, spec, event_id)
            if problem:
                problems.append(problem)
    return problems


def _spec_problem(doc: Document, spec, event_id: str | None) -> Problem | None:
    kind, source = _KINDS[local_name(spec)], text_of(spec).strip()
    if not source:
        return doc.problem(spec, f"timer {local_name(spec)} is empty", element_id=event_id)
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _expression_problem(doc, spec, source, kind, event_id)
    if not isinstance(value, str):
        return doc.problem(spec, f"timer {source} evaluates to {type(value).__name__}, not an ISO 8601 {kind} string",
                           element_id=event_id)
    message = timer_value_problem(kind, value)
    return doc.problem(spec, message, element_id=event_id) if message else None


def _expression_problem(doc: Document, spec, source: str, kind: str, event_id: str | None) -> Problem | None:
    if timer_value_problem(kind, source) is None or _ISO_LOOKING_NAME.match(source):
        # Unquoted it is Python: P14D is an undefined name, R3/P1D a division; both fail at run time.
        return doc.problem(spec, f"timer {source} is evaluated as a Python expression; "
                           f"write it as a string with quotes: \"{source}\"", element_id=event_id)
    problem = code_problem(doc, spec, source, "eval", "timer expression")
    if problem is None:
        return None
    return doc.problem(spec, problem.message, line=problem.line, element_id=event_id)


def timer_value_problem(kind: str, value: str) -> str | None:
    """Why `value` is not a valid ISO 8601 value of `kind` ('duration', 'date-time', 'cycle'), or None."""
    check = {"duration": _duration_error, "date-time": _datetime_error, "cycle": _cycle_error}[kind]
    try:
        error = check(value.strip())
    except Exception:  # SpiffWorkflow parsers raise bare Exception, ValueError
        error = True
    if not error:
        return None
    return f"timer '{value}' is not a valid ISO 8601 {kind}" + _EXAMPLES[kind]


_EXAMPLES = {
    "duration": " (for example P14D, P2W, PT1H30M)",
    "date-time": " (for example 2025-03-01T09:00:00+01:00)",
    "cycle": " (for example R3/P1D or R/2025-03-01T09:00:00Z/P1W)",
}


def _duration_error(value: str) -> bool:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    # SpiffWorkflow strips every 'p' and accepts a bare "P" as zero: require P and one component.
    if not value.upper().startswith("P"):
        return True
    return not TimerEventDefinition.parse_iso_duration(value)


def _datetime_error(value: str) -> bool:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    # A timeDate that parses as a duration would make SpiffWorkflow compare a dict with a datetime.
    if value.upper().startswith("P"):
        return True
    TimerEventDefinition.parse_time_or_duration(value)
    return False


def _cycle_error(value: str) -> bool:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    if not re.match(r"^R\d*/", value.upper()):
        return True
    parts = value.upper().replace("--", "/").split("/")[1:]
    if not any(part.startswith("P") for part in parts) or len(parts) > 2:
        return True  # SpiffWorkflow needs an interval duration to compute the next occurrence
    if any(part.startswith("P") and _duration_error(part) for part in parts):
        return True
    TimerEventDefinition.parse_iso_recurring_interval(value)
    return False
