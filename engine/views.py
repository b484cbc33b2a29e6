"""Frozen view objects handed to callers (CLI, TUI). Never ORM rows or SpiffWorkflow tasks."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class DeployResult:
    process_id: str
    version: int
    changed: bool
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
class WorkItem:
    id: str
    case_id: str
    process_id: str
    task: str  # BPMN element id of the task
    title: str
    role: str | None
    gemeente: str
    due: datetime | None
    assignee: str | None
    schema: str | None  # form file name
    stage: str | None = None
    person_name: str | None = None
    bsn: str | None = None
    created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = _iso(self.due)
        data["created_at"] = _iso(self.created_at)
        return data


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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.task_id, "case_id": self.case_id, "task": self.task, "title": self.title,
            "schema": self.schema, "ui_schema": self.ui_schema, "data": self.data,
            "schema_name": self.schema_name, "instructions": self.instructions, "role": self.role,
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

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = _iso(self.at)
        return out


@dataclass(frozen=True)
class Incident:
    task: str | None
    message: str
    at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "message": self.message, "at": _iso(self.at)}


@dataclass(frozen=True)
class CaseSummary:
    id: str
    process_id: str
    definition_version: int
    gemeente: str
    status: str  # running | completed | error
    stage: str | None
    person_name: str | None = None
    bsn: str | None = None
    next_timer_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deadline: datetime | None = None  # the PVT deadline (from the case data), if the process sets one

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("next_timer_at", "created_at", "updated_at", "deadline"):
            data[key] = _iso(getattr(self, key))
        return data


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    data: dict
    open_tasks: tuple[WorkItem, ...]
    events: tuple[HistoryEntry, ...]
    incident: Incident | None = None
    waiting_timers: tuple[datetime, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        out = self.summary.to_json()
        out.update({
            "data": self.data,
            "open_tasks": [t.to_json() for t in self.open_tasks],
            "events": [e.to_json() for e in self.events],
            "incident": self.incident.to_json() if self.incident else None,
            "waiting_timers": [_iso(t) for t in self.waiting_timers],
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
class UserInfo:
    name: str
    roles: tuple[str, ...]
    gemeenten: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "roles": list(self.roles), "gemeenten": list(self.gemeenten)}


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
