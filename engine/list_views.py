"""The rows the lists return (`traject tasks`, `traject cases`, the worklist): frozen views, as in
engine/views.py, in a module of their own. Defining a frozen dataclass costs most of a millisecond, and
the read path (engine/lists.py) needs these two, not the twenty others (15 ms of its start-up)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any


def iso_or_none(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, as the database gives times back: a row just written (the clock's offset) and the
    same row read again print alike."""
    if value is None:
        return None
    return (value.astimezone(UTC) if value.tzinfo else value).isoformat()


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
        data["due"] = iso_or_none(self.due)
        data["created_at"] = iso_or_none(self.created_at)
        return data

    def without_bsn(self) -> WorkItem:
        from dataclasses import replace

        return replace(self, bsn=None)


@dataclass(frozen=True)
class CaseSummary:
    id: str
    process_id: str
    definition_version: int
    gemeente: str
    status: str  # running | completed | error | cancelled
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
            data[key] = iso_or_none(getattr(self, key))
        return data
