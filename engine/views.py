"""Frozen view objects handed to callers (CLI, TUI). Never ORM rows or SpiffWorkflow tasks."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# The two rows the lists return live apart, so the read path (engine/lists.py) defines only them.
from .list_views import CaseSummary, WorkItem, iso_or_none  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class DeployResult:
    process_id: str
    version: int
    changed: bool
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Deployed(list):
    """The DeployResults of one deploy, with the validation notes that did not block it."""

    def __init__(self, results=(), notes: tuple = ()):
        super().__init__(results)
        self.notes = notes


@dataclass(frozen=True)
class ProcessInfo:
    process_id: str
    name: str
    version: int
    startable: bool
    start_schema: dict | None
    start_ui_schema: dict | None = None
    content_hash: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FormSpec:
    task_id: str
    case_id: str
    task: str
    title: str
    schema: dict | None
    ui_schema: dict | None
    data: dict
    schema_name: str | None = None
    instructions: str | None = None
    role: str | None = None
    assignee: str | None = None  # who holds the task (claimed), shown on the task screen

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.task_id, "case_id": self.case_id, "task": self.task, "title": self.title,
            "schema": self.schema, "ui_schema": self.ui_schema, "data": self.data,
            "schema_name": self.schema_name, "instructions": self.instructions, "role": self.role,
            "assignee": self.assignee,
        }


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    type: str
    task: str | None
    actor: str | None
    at: datetime
    data: dict | None
    definition_version: int | None = None
    hash: str = ""
    title: str | None = None  # the task's name in the process ("PIP opstellen en vaststellen")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = iso_or_none(self.at)
        return out


@dataclass(frozen=True)
class Incident:
    task: str | None
    message: str
    at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "message": self.message, "at": iso_or_none(self.at)}


@dataclass(frozen=True)
class PathStep:
    """One line of a case's path through its process (engine/case_path.py). `state`: done, current,
    waiting, error, or ahead: next (follows for certain), default (a gateway's default flow), possible."""

    depth: int  # 0 in the case's own process, 1 inside a call activity, ...
    kind: str  # task | part (call activity, subprocess) | wait (timer, message) | end (a named outcome)
    title: str
    role: str | None
    state: str
    times: int = 1  # done this many times in a row (a loop)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    data: dict
    open_tasks: tuple[WorkItem, ...]
    events: tuple[HistoryEntry, ...]
    incident: Incident | None = None
    waiting_timers: tuple[datetime, ...] = field(default_factory=tuple)
    waiting_for: tuple[str, ...] = field(default_factory=tuple)  # messages, signals, timers, external tasks
    path: tuple[PathStep, ...] = field(default_factory=tuple)  # where the case is in its process

    def to_json(self) -> dict[str, Any]:
        out = self.summary.to_json()
        out.update({
            "data": self.data,
            "open_tasks": [t.to_json() for t in self.open_tasks],
            "events": [e.to_json() for e in self.events],
            "incident": self.incident.to_json() if self.incident else None,
            "waiting_timers": [iso_or_none(t) for t in self.waiting_timers],
            "waiting_for": list(self.waiting_for),
            "path": [step.to_json() for step in self.path],
        })
        return out


@dataclass(frozen=True)
class CompletionResult:
    case_id: str
    status: str
    open_tasks: tuple[WorkItem, ...]
    incident: Incident | None = None

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "status": self.status,
                "open_tasks": [t.to_json() for t in self.open_tasks],
                "incident": self.incident.to_json() if self.incident else None}


@dataclass(frozen=True)
class GrantInfo:
    role: str
    scope: str  # a gemeente code, "regio NAME", or "*"
    gemeenten: tuple[str, ...] | None  # the scope expanded; None for every gemeente

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "scope": self.scope,
                "gemeenten": None if self.gemeenten is None else list(self.gemeenten)}


@dataclass(frozen=True)
class UserInfo:
    """A user and their grants. `roles` and `gemeenten` summarise them ("*" in gemeenten: every one)."""

    name: str
    grants: tuple[GrantInfo, ...] = ()
    known: bool = True
    impersonated_by: str | None = None
    restricted: bool = False  # only outside-executor grants: form fields only, no BSN in lists
    abilities: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.role for g in self.grants))

    @property
    def gemeenten(self) -> tuple[str, ...]:
        if any(g.gemeenten is None for g in self.grants):
            return ("*",)
        return tuple(sorted({code for g in self.grants for code in g.gemeenten or ()}))

    def may(self, ability: str) -> bool:
        """Whether some grant has this ability (the TUI hides or disables what the user may not do)."""
        return ability in self.abilities

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "known": self.known, "impersonated_by": self.impersonated_by,
                "roles": list(self.roles), "gemeenten": list(self.gemeenten),
                "grants": [g.to_json() for g in self.grants], "abilities": list(self.abilities)}


@dataclass(frozen=True)
class AccessLogEntry:
    id: int
    at: datetime
    type: str
    actor: str
    action: str
    resource: str
    outcome: str
    case_id: str | None = None
    message: str | None = None
    via: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = iso_or_none(self.at)
        return data


@dataclass(frozen=True)
class MessageResult:
    """What one `traject message` delivery did: the case it started, or the case(s) it reached."""

    message: str
    started: bool
    cases: tuple[CaseSummary, ...]

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "started": self.started,
                "cases": [{"case_id": c.id, "process_id": c.process_id, "status": c.status, "stage": c.stage}
                          for c in self.cases]}


@dataclass(frozen=True)
class ExternalItem:
    """An external task as a worker sees it: fetched and locked, with its input data."""

    id: str
    case_id: str
    process_id: str
    gemeente: str
    element: str
    topic: str
    input: dict
    worker: str | None
    locked_until: datetime | None
    retries: int | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["locked_until"] = iso_or_none(self.locked_until)
        return data


@dataclass(frozen=True)
class FormDraft:
    """A user's unsent input for one task (not case data: see engine/drafts.py)."""

    task_id: str
    data: dict
    updated_at: datetime


@dataclass(frozen=True)
class IncidentInfo:
    """A case stopped by an incident, for coordinators and designers (`traject incidents`)."""

    case: CaseSummary
    incident: Incident

    def to_json(self) -> dict[str, Any]:
        return {**self.case.to_json(), "incident": self.incident.to_json()}


@dataclass(frozen=True)
class FieldLabel:
    """How a data field reads: its form title, and titles of its choices (value as JSON text -> title)."""

    title: str | None
    options: tuple[tuple[str, str], ...] = ()

    def option_title(self, value: Any) -> str | None:
        key = json.dumps(value)
        return next((title for option, title in self.options if option == key), None)


@dataclass(frozen=True)
class WorklistFilter:
    """A worklist filter a user saved under a name (engine/saved_filters.py)."""

    name: str
    view: str = "team"  # team | mine
    stage: str | None = None
    role: str | None = None
    search: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SessionParticipantView:
    case_id: str
    gemeente: str
    person_name: str | None
    bsn: str | None  # masked (last three digits) in every list
    status: str  # ingeschreven | aanwezig | no_show | afgemeld | geannuleerd | verplaatst
    enrolled_at: datetime
    outcome_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "gemeente": self.gemeente, "person": self.person_name, "bsn": self.bsn,
                "status": self.status, "enrolled_at": iso_or_none(self.enrolled_at), "outcome_at": iso_or_none(self.outcome_at)}


@dataclass(frozen=True)
class SessionView:
    """A group session (workshop dagdeel or signing ceremony) with its fill level."""

    id: str
    kind: str
    title: str
    at: datetime
    dagdelen: int
    place: str | None
    languages: tuple[str, ...]
    interpreter_type: str | None
    interpreter_language: str | None
    interpreter_booked: bool
    capacity: int
    enrolled: int  # participants still enrolled or with an outcome (not moved or cancelled out)
    executor: str
    gemeenten: tuple[str, ...]
    official: str | None
    status: str
    cancel_reason: str | None = None
    participants: tuple[SessionParticipantView, ...] | None = None  # only `show` fills these

    @property
    def fill(self) -> str:
        return f"{self.enrolled}/{self.capacity}"

    def to_json(self) -> dict[str, Any]:
        data = {"session_id": self.id, "id": self.id, "kind": self.kind, "title": self.title, "at": iso_or_none(self.at),
                "dagdelen": self.dagdelen, "place": self.place, "languages": list(self.languages),
                "interpreter": ({"type": self.interpreter_type, "language": self.interpreter_language,
                                 "booked": self.interpreter_booked} if self.interpreter_type else None),
                "capacity": self.capacity, "enrolled": self.enrolled, "free": max(self.capacity - self.enrolled, 0),
                "fill": self.fill, "executor": self.executor, "gemeenten": list(self.gemeenten),
                "official": self.official, "status": self.status, "cancel_reason": self.cancel_reason}
        if self.participants is not None:
            data["participants"] = [p.to_json() for p in self.participants]
        return data


@dataclass(frozen=True)
class SessionCandidate:
    """A case waiting to be planned into a session of `kind` (its process waits for `sessie_gepland`)."""

    case_id: str
    gemeente: str
    process_id: str
    person_name: str | None
    bsn: str | None  # masked
    kind: str | None  # the kind its catch event names (None: any kind)
    language: str | None  # voertaal
    needs_interpreter: bool
    executor: str | None = None  # the organisation whose sessions it takes (sessies_uitvoerder); None: any

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "gemeente": self.gemeente, "process_id": self.process_id,
                "person": self.person_name, "bsn": self.bsn, "kind": self.kind, "language": self.language,
                "executor": self.executor,
                "needs_interpreter": self.needs_interpreter}


@dataclass(frozen=True)
class SessionOutcome:
    """What one session command did to each case: delivered (the case moved on) or not waiting."""

    session_id: str
    delivered: tuple[str, ...]
    not_waiting: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "delivered": list(self.delivered),
                "not_waiting": list(self.not_waiting)}
