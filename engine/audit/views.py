"""Frozen views of the audit trail for the CLI and the terminal app's auditor view."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What a finding says, for people. Keys are the `kind` values in JSON output.
KIND_LABELS = {
    "altered_payload": "altered payload",
    "altered_event": "altered event",
    "broken_link": "broken link",
    "missing_event": "missing event",
    "reordered_event": "reordered event",
    "missing_case": "missing case row",
    "replay_divergence": "replay divergence",
    "state_mismatch": "stored state differs",
    "time_reversed": "time runs backwards",
    "altered_row": "altered case row",
    "altered_definition": "altered process version",
}


@dataclass(frozen=True)
class Finding:
    """One problem in a case's history, attributed to the event (seq) where it shows."""

    case_id: str
    seq: int | None
    kind: str  # a key of KIND_LABELS
    message: str

    def __str__(self) -> str:
        where = f"event {self.seq}" if self.seq is not None else "case"
        return f"{where}: {KIND_LABELS.get(self.kind, self.kind)}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "seq": self.seq, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class CaseVerification:
    case_id: str
    process_id: str | None
    definition_version: int | None
    gemeente: str | None
    events: int
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()  # facts that are not problems, e.g. an erased payload stops the replay
    person: str | None = None  # the person's name and masked BSN, so an auditor knows whose case it is

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "ok": self.ok, "process_id": self.process_id,
                "definition_version": self.definition_version, "gemeente": self.gemeente,
                "events": self.events, "findings": [f.to_json() for f in self.findings],
                "notes": list(self.notes), "person": self.person}


@dataclass(frozen=True)
class DataDiff:
    """How the case data changed in one step: new keys, changed keys (before, after), removed keys."""

    added: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    removed: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def keys_text(self) -> str:
        """'+a ~b -c': the changed keys without values (values can hold person data)."""
        parts = ([f"+{k}" for k in self.added] + [f"~{k}" for k in self.changed]
                 + [f"-{k}" for k in self.removed])
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "changed": {k: list(v) for k, v in self.changed.items()},
                "removed": self.removed}


@dataclass(frozen=True)
class ReplayStep:
    """One recorded event and what replaying it did.

    status: `ok` (replayed, state as recorded), `info` (an event that changes nothing: claim, release,
    incident, completion), `diverged` (the first event where the replay differs), `erased` (the payload
    was erased, so the replay stops) or `not_replayed` (after a divergence or erasure).
    """

    seq: int
    type: str
    task: str | None  # BPMN element id
    title: str | None  # the task's name in the process
    actor: str | None
    at: datetime | None  # None only where the stored time was overwritten with something unreadable
    status: str
    open_before: tuple[str, ...] | None  # BPMN element ids; None where the replay did not get
    open_after: tuple[str, ...] | None
    diff: DataDiff
    findings: tuple[Finding, ...] = ()  # chain and replay findings for this event
    note: str | None = None

    @property
    def verified(self) -> bool:
        return not self.findings and self.status in ("ok", "info")

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "task": self.task, "title": self.title, "actor": self.actor,
                "at": self.at.isoformat() if self.at else None, "status": self.status, "verified": self.verified,
                "open_before": _list(self.open_before), "open_after": _list(self.open_after),
                "diff": self.diff.to_json(), "findings": [f.to_json() for f in self.findings], "note": self.note}


def _list(values: tuple | None) -> list | None:
    return list(values) if values is not None else None


@dataclass(frozen=True)
class ReplayReport:
    case_id: str
    process_id: str | None
    definition_version: int | None
    replayed_on: str  # "process_id:version" the steps were replayed on
    against: bool  # True when replayed on another version than the case's own
    steps: tuple[ReplayStep, ...]
    divergence: Finding | None
    verification: CaseVerification

    @property
    def ok(self) -> bool:
        return self.divergence is None and self.verification.ok

    @property
    def erased(self) -> bool:
        """The case's personal data was erased (traject purge): the replay stops at the first erased step."""
        return any(s.status == "erased" for s in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "process_id": self.process_id, "erased": self.erased,
                "definition_version": self.definition_version, "replayed_on": self.replayed_on,
                "against": self.against, "ok": self.ok,
                "divergence": self.divergence.to_json() if self.divergence else None,
                "verification": self.verification.to_json(), "steps": [s.to_json() for s in self.steps]}


@dataclass(frozen=True)
class ExportSummary:
    path: str
    format: str
    traces: int
    events: int

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "traces": self.traces, "events": self.events}
