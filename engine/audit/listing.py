"""The step-by-step listing of a replayed case: who did what and when, what changed, what was open."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..notes import NOTE_EVENT
from .replay import Step
from .views import CaseVerification, DataDiff, Finding, ReplayStep


def build_steps(steps: Sequence[Step], verification: CaseVerification, labels: dict,
                divergence: Finding | None) -> tuple[ReplayStep, ...]:
    """ReplayStep views from replay steps that kept their states."""
    by_seq: dict[int, list[Finding]] = {}
    for finding in [*verification.findings, *([divergence] if divergence else [])]:
        if finding.seq is not None and finding not in by_seq.get(finding.seq, []):
            by_seq.setdefault(finding.seq, []).append(finding)
    current: dict | None = {"open": [], "data": {}}
    out = []
    for step in steps:
        event = step.event
        before = tuple(current["open"]) if current else None
        if step.state is not None:
            diff = data_diff(current["data"] if current else {}, step.state["data"])
            current = step.state
            after = tuple(current["open"])
        elif step.status == "info" and current is not None:
            diff, after = DataDiff(), before
        else:  # not replayed: what was open is not known from here on
            diff, after, current = DataDiff(), None, None
        out.append(ReplayStep(
            seq=event.seq, type=event.type, task=event.task, title=_title(labels, event.task),
            actor=event.actor, at=event.at, status=step.status, open_before=before, open_after=after,
            diff=diff, findings=tuple(by_seq.get(event.seq, ())), note=_note(step)))
    return tuple(out)


def data_diff(before: dict, after: dict) -> DataDiff:
    return DataDiff(
        added={k: v for k, v in after.items() if k not in before},
        changed={k: (before[k], v) for k, v in after.items() if k in before and before[k] != v},
        removed={k: v for k, v in before.items() if k not in after},
    )


def describe_difference(expected: dict, actual: dict, where: str) -> str:
    """What differs between the recorded (expected) state and the state on another version."""
    parts = []
    if expected["open"] != actual["open"]:
        parts.append(f"open tasks {_names(expected['open'])} as recorded, {_names(actual['open'])} on {where}")
    diff = data_diff(expected["data"], actual["data"])
    for keys, what in ((diff.removed, "missing"), (diff.added, "extra"), (diff.changed, "different")):
        if keys:
            parts.append(f"data {what} on {where}: {', '.join(keys)}")
    if expected["timers"] != actual["timers"]:
        parts.append(f"timers due {_names(expected['timers'])} as recorded, {_names(actual['timers'])} on {where}")
    if expected["completed"] != actual["completed"]:
        parts.append(f"the case is {'completed' if actual['completed'] else 'not completed'} on {where}")
    return "; ".join(parts) or f"the state differs on {where}"


def _names(values: list[Any]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def _title(labels: dict, task: str | None) -> str | None:
    if not task:
        return None
    return labels.get(task, (task, None))[0]


def _note(step: Step) -> str | None:
    data = step.event.data
    if step.event.type == NOTE_EVENT and isinstance(data, dict):
        return data.get("text")  # a caseworker's note is what the auditor reads at that step
    if step.incident:
        return f"the command failed as recorded ({step.incident}); the state stayed as it was"
    return step.message
