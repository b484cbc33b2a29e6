"""Scenario files: what a designer writes, checked before anything runs.

One scenario per `*.scenario.yaml` file. Every problem is reported as `file:line: step N: ...` naming
the key, with a suggestion for a misspelt key, so a designer can fix the file without reading Python.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .source import Document, ScenarioInvalid, read_document
from .timeline import Duration, parse_duration

SUFFIXES = (".scenario.yaml", ".scenario.yml")
DEFAULT_NOW = "2026-01-05T09:00:00+01:00"  # a Monday morning: fixed, so `today()` in scripts is stable
DEFAULT_GEMEENTE = "GM0000"
STATUSES = ("running", "completed", "error")
SCENARIO_KEYS = ("name", "description", "process", "gemeente", "now", "start", "group", "steps")
ACTIONS = ("complete", "advance", "expect", "expect_error", "session", "enrol", "attendance", "cancel_session")
SESSION_KEYS = ("session", "kind", "title", "at", "dagdelen", "capacity", "language", "interpreter",
                "interpreter_language", "official", "executor", "gemeente")
ATTENDANCE_KEYS = ("attendance", "absent", "excused", "refused")
MAX_GROUP = 50
EXPECT_KEYS = ("open", "open_includes", "stage", "status", "data", "incident")
EXPECT_ERROR_KEYS = ("complete", "data", "field", "message")


@dataclass(frozen=True)
class Complete:
    task: str  # BPMN element id
    data: dict = field(default_factory=dict)
    role: str | None = None  # `as:` in the file


@dataclass(frozen=True)
class Advance:
    duration: Duration


@dataclass(frozen=True)
class Expect:
    open: tuple[str, ...] | None = None
    open_includes: tuple[str, ...] | None = None
    stage: str | None = None
    status: str | None = None
    data: dict | None = None
    incident: str | None = None  # a part of the incident message


@dataclass(frozen=True)
class ExpectError:
    task: str
    data: dict = field(default_factory=dict)
    field: str | None = None  # the field path the form must name
    message: str | None = None  # a part of that field's message


@dataclass(frozen=True)
class PlanSession:
    """`session: NAME` plans a group session (engine/sessions.py) under a name later steps use."""

    name: str
    fields: dict  # kind, title, at, dagdelen, capacity, language, interpreter, ...


@dataclass(frozen=True)
class Enrol:
    session: str
    cases: tuple[int, ...] | None = None  # 1-based numbers in the group; None: every case


@dataclass(frozen=True)
class Attendance:
    """Registered once for the group: every enrolled case is present except those listed."""

    session: str
    absent: tuple[int, ...] = ()
    excused: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()


@dataclass(frozen=True)
class CancelSession:
    session: str
    reason: str = "geannuleerd in het scenario"


SESSION_ACTIONS = (PlanSession, Enrol, Attendance, CancelSession)


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, as a designer counts
    line: int | None
    action: Complete | Advance | Expect | ExpectError | PlanSession | Enrol | Attendance | CancelSession
    case: int | None = None  # `case: K`: only the K-th case of the group (else every case)

    def describe(self) -> str:
        a = self.action
        if isinstance(a, PlanSession):
            return f"session {a.name}"
        if isinstance(a, Enrol):
            return f"enrol {a.session}"
        if isinstance(a, Attendance):
            return f"attendance {a.session}"
        if isinstance(a, CancelSession):
            return f"cancel_session {a.session}"
        if isinstance(a, Complete):
            return f"complete {a.task}"
        if isinstance(a, Advance):
            return f"advance {a.duration.text}"
        if isinstance(a, ExpectError):
            return f"expect_error on {a.task}"
        return "expect"


@dataclass(frozen=True)
class Scenario:
    name: str
    file: Path
    process: str
    gemeente: str
    now: datetime
    start: dict
    steps: tuple[Step, ...]
    description: str | None = None
    group: int = 1  # cases started with the same start data (a group through its sessions)


def is_scenario_file(path: Path) -> bool:
    return path.is_file() and path.name.endswith(SUFFIXES)


def find_scenario_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.scenario.y*ml") if is_scenario_file(p))


def load_scenario(file: Path) -> Scenario:
    """Read and check one scenario file; raises ScenarioInvalid naming the file, line and key."""
    doc = read_document(file)
    top = _mapping(doc, (), doc.data, "the file")
    _check_keys(doc, (), top, SCENARIO_KEYS, "a scenario")
    if "process" not in top:
        raise doc.invalid((), "'process' is missing: the id of the process to start, e.g. process: pvt_basis")
    steps = top.get("steps") or []
    if not isinstance(steps, list):
        raise doc.invalid(("steps",), "'steps' must be a list of steps, each starting with '- '")
    group = top.get("group", 1)
    if not isinstance(group, int) or isinstance(group, bool) or not 1 <= group <= MAX_GROUP:
        raise doc.invalid(("group",), f"'group' is the number of cases, 1 to {MAX_GROUP} (got {group!r})")
    return Scenario(
        name=_text(doc, ("name",), top.get("name", file.name.split(".")[0]), "name"),
        file=file,
        process=_text(doc, ("process",), top["process"], "process"),
        gemeente=_text(doc, ("gemeente",), top.get("gemeente", DEFAULT_GEMEENTE), "gemeente"),
        now=_moment(doc, top.get("now", DEFAULT_NOW)),
        start=_data(doc, ("start",), top.get("start"), "start"),
        steps=tuple(_step(doc, i, raw) for i, raw in enumerate(steps)),
        description=_optional_text(doc, ("description",), top.get("description"), "description"),
        group=group,
    )


def _step(doc: Document, index: int, raw: Any) -> Step:
    path = ("steps", index)
    where = f"step {index + 1}"
    step = _mapping(doc, path, raw, where)
    case = step.pop("case", None) if isinstance(step, dict) else None
    if case is not None and (not isinstance(case, int) or isinstance(case, bool) or case < 1):
        raise doc.invalid(path + ("case",), f"{where}: case is the number of a case in the group (1, 2, ...)")
    actions = [key for key in step if key in ACTIONS]
    if len(actions) != 1:
        unknown = [k for k in step if k not in ACTIONS + ("data", "as")]
        if unknown:
            _check_keys(doc, path, step, ACTIONS, where)
        found = ", ".join(actions) or "none"
        raise doc.invalid(path, f"{where}: a step does exactly one of {', '.join(ACTIONS)} (found: {found})")
    action = actions[0]
    builder = {"complete": _complete, "advance": _advance, "expect": _expect, "expect_error": _expect_error,
               "session": _session, "enrol": _enrol, "attendance": _attendance, "cancel_session": _cancel}
    built = builder[action](doc, path, where, step)
    if case is not None and isinstance(built, SESSION_ACTIONS) and not isinstance(built, Enrol):
        raise doc.invalid(path + ("case",), f"{where}: case applies to complete, advance, expect, expect_error "
                                            "and enrol steps")
    if case is not None and isinstance(built, Enrol):
        built, case = Enrol(built.session, (case,)), None
    return Step(index + 1, doc.line(*path), built, case)


def _session(doc, path, where, step) -> PlanSession:
    _check_keys(doc, path, step, SESSION_KEYS, f"{where} (session)")
    name = _text(doc, path + ("session",), step["session"], f"{where}: session")
    fields = {k: v for k, v in step.items() if k != "session"}
    if fields.get("kind") not in ("workshop", "ceremonie"):
        raise doc.invalid(path + ("kind",), f"{where}: session needs kind: workshop or kind: ceremonie")
    return PlanSession(name, fields)


def _enrol(doc, path, where, step) -> Enrol:
    _check_keys(doc, path, step, ("enrol", "cases"), f"{where} (enrol)")
    cases = _numbers(doc, path + ("cases",), step["cases"], f"{where}: cases") if "cases" in step else None
    return Enrol(_text(doc, path + ("enrol",), step["enrol"], f"{where}: enrol"), cases)


def _attendance(doc, path, where, step) -> Attendance:
    _check_keys(doc, path, step, ATTENDANCE_KEYS, f"{where} (attendance)")
    lists = {k: _numbers(doc, path + (k,), step[k], f"{where}: {k}") if k in step else ()
             for k in ("absent", "excused", "refused")}
    return Attendance(_text(doc, path + ("attendance",), step["attendance"], f"{where}: attendance"), **lists)


def _cancel(doc, path, where, step) -> CancelSession:
    _check_keys(doc, path, step, ("cancel_session", "reason"), f"{where} (cancel_session)")
    name = _text(doc, path + ("cancel_session",), step["cancel_session"], f"{where}: cancel_session")
    reason = step.get("reason") or "geannuleerd in het scenario"
    return CancelSession(name, _text(doc, path + ("reason",), reason, f"{where}: reason"))


def _numbers(doc, path, value, where) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1
                                              for v in value):
        raise doc.invalid(path, f"{where} must be a list of case numbers in the group, e.g. [2, 5]")
    return tuple(value)


def _complete(doc, path, where, step) -> Complete:
    _check_keys(doc, path, step, ("complete", "data", "as"), f"{where} (complete)")
    return Complete(task=_text(doc, path + ("complete",), step["complete"], f"{where}: complete"),
                    data=_data(doc, path + ("data",), step.get("data"), f"{where}: data"),
                    role=_optional_text(doc, path + ("as",), step.get("as"), f"{where}: as"))


def _advance(doc, path, where, step) -> Advance:
    _check_keys(doc, path, step, ("advance",), f"{where} (advance)")
    value = step["advance"]
    try:
        if not isinstance(value, str):
            raise ValueError(f"'{value}' is not an ISO 8601 duration (examples: P30D, P2W, P1M, PT4H)")
        return Advance(parse_duration(value))
    except ValueError as err:
        raise doc.invalid(path + ("advance",), f"{where}: advance: {err}") from None


def _expect(doc, path, where, step) -> Expect:
    _check_keys(doc, path, step, ("expect",), f"{where} (expect)")
    p = path + ("expect",)
    body = _mapping(doc, p, step["expect"], f"{where}: expect")
    _check_keys(doc, p, body, EXPECT_KEYS, f"{where}: expect")
    status = _optional_text(doc, p + ("status",), body.get("status"), f"{where}: expect.status")
    if status is not None and status not in STATUSES:
        raise doc.invalid(p + ("status",), f"{where}: expect.status must be one of {', '.join(STATUSES)}, "
                                           f"not '{status}'")
    return Expect(
        open=_ids(doc, p + ("open",), body.get("open"), f"{where}: expect.open"),
        open_includes=_ids(doc, p + ("open_includes",), body.get("open_includes"), f"{where}: expect.open_includes"),
        stage=_optional_text(doc, p + ("stage",), body.get("stage"), f"{where}: expect.stage"),
        status=status,
        data=_data(doc, p + ("data",), body["data"], f"{where}: expect.data") if "data" in body else None,
        incident=_optional_text(doc, p + ("incident",), body.get("incident"), f"{where}: expect.incident"),
    )


def _expect_error(doc, path, where, step) -> ExpectError:
    _check_keys(doc, path, step, ("expect_error",), f"{where} (expect_error)")
    p = path + ("expect_error",)
    body = _mapping(doc, p, step["expect_error"], f"{where}: expect_error")
    _check_keys(doc, p, body, EXPECT_ERROR_KEYS, f"{where}: expect_error")
    if "complete" not in body:
        raise doc.invalid(p, f"{where}: expect_error needs 'complete: <task id>' (the task whose form refuses)")
    return ExpectError(
        task=_text(doc, p + ("complete",), body["complete"], f"{where}: expect_error.complete"),
        data=_data(doc, p + ("data",), body.get("data"), f"{where}: expect_error.data"),
        field=_optional_text(doc, p + ("field",), body.get("field"), f"{where}: expect_error.field"),
        message=_optional_text(doc, p + ("message",), body.get("message"), f"{where}: expect_error.message"),
    )


# -- value checks -----------------------------------------------------------------------------
def _check_keys(doc: Document, path: tuple, value: dict, allowed: tuple[str, ...], where: str) -> None:
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise doc.invalid(path + (key,), f"{where}: unknown key '{key}'{hint}; allowed: {', '.join(allowed)}")


def _mapping(doc: Document, path: tuple, value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise doc.invalid(path, f"{where} must be a block of 'key: value' lines, not {_kind(value)}")
    return value


def _data(doc: Document, path: tuple, value: Any, where: str) -> dict:
    if value is None:
        return {}
    mapping = _mapping(doc, path, value, where)
    for key in mapping:
        if not isinstance(key, str):
            raise doc.invalid(path + (key,), f"{where}: field name {key!r} must be text")
    return mapping


def _text(doc: Document, path: tuple, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise doc.invalid(path, f"{where} must be a non-empty text, not {_kind(value)}")
    return value.strip()


def _optional_text(doc: Document, path: tuple, value: Any, where: str) -> str | None:
    return None if value is None else _text(doc, path, value, where)


def _ids(doc: Document, path: tuple, value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise doc.invalid(path, f"{where} must be a list of task ids, e.g. [Task_Intake]")
    return tuple(value)


def _moment(doc: Document, value: Any) -> datetime:
    from ..clock import parse_now

    try:
        return parse_now(str(value))
    except ValueError:
        raise doc.invalid(("now",), f"now: '{value}' is not an ISO 8601 date-time, "
                                    "e.g. \"2026-03-02T09:00:00+01:00\"") from None


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block"
    return f"'{value}'"


__all__ = ["Scenario", "Step", "Complete", "Advance", "Expect", "ExpectError", "ScenarioInvalid",
           "load_scenario", "find_scenario_files", "is_scenario_file"]
