"""The stored workflow is a snapshot; the events are the truth.

A task completion or a timer writes its event, its work items and the small case row, not the whole
workflow: the stored workflow stays the state after event `cases.snapshot_seq`, and whoever loads the
case re-applies the commands recorded since, at their recorded times, exactly as `audit replay` does
(engine/task_ids.py makes them create the same task ids). Every SNAPSHOT_EVERY events, and after any
other kind of command, the whole workflow is written again.

Only task completions and timers are ever left out of the snapshot: they are re-applied by task id and
by clock, with nothing to choose. Every other command (a start, a message, an external task, a retry,
a migration, an incident, a purge) and a completed case store the full workflow, so what is re-applied
is simple and the re-applied state is checked against the digest the last event recorded.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import instances
from .clock import fixed_clock
from .errors import EngineError
from .serialization import load_workflow
from .store.tables import Case, Event

# Chosen by measurement (bench/README.md, "Snapshots"): re-applying a completion costs about what raw
# SpiffWorkflow takes for it, writing the whole workflow a millisecond at pvt_basis size and far more at
# a long history. A one-shot command re-applies at most this many events.
SNAPSHOT_EVERY = 8

REAPPLIED = frozenset({"task_completed", "timer_fired"})


class SnapshotGap(EngineError):
    """The events after the snapshot do not re-apply to the state they recorded: the case row or its
    events were changed outside the engine (exit 1; `audit verify` reports it as a state_mismatch)."""

    def __init__(self, message: str):
        super().__init__(f"the stored case cannot be restored: {message}; run `traject audit verify`")


def may_skip_snapshot(case: Case, event_type: str, workflow, incident) -> bool:
    """Whether this command may leave the stored workflow as it is (its event re-applies on load)."""
    if event_type not in REAPPLIED or incident or workflow.is_completed():
        return False
    behind = (case.last_event_seq or 0) - case.snapshot_seq if case.snapshot_seq is not None else 0
    return behind + 1 < SNAPSHOT_EVERY


def restore(case, spec, subprocess_specs, script_engine_factory, events_since):
    """The case's workflow as the engine restores it: the stored row, and when that is a snapshot the
    commands since it re-applied (`events_since()` gives them; called only then). One place for the
    engine's load, audit verify and the category erasure, so all three restore alike."""
    workflow = load_workflow(case.workflow, spec, subprocess_specs)
    workflow.script_engine = script_engine_factory()
    if case.snapshot_seq is not None:
        catch_up(workflow, events_since(), getattr(workflow.script_engine.environment, "restart_budget", None))
    return workflow


def events_after_snapshot(session: Session, case: Case) -> list[Event]:
    if case.snapshot_seq is None:
        return []
    return list(session.scalars(select(Event).where(Event.case_id == case.id, Event.seq > case.snapshot_seq)
                                .order_by(Event.seq)))


def catch_up(workflow, events: Sequence, restart_budget=None) -> None:
    """Re-apply the commands after the snapshot to `workflow`, at their recorded times; then the state
    must be the one the last of them recorded. Events that change nothing (case_completed, notes,
    assignments) are skipped; any other command cannot follow a snapshot and means the row was changed."""
    last = None
    for event in events:
        if event.type not in REAPPLIED:
            if event.type in _FULL_STORE:
                raise SnapshotGap(f"event {event.seq} ({event.type}) should have stored the whole workflow")
            continue
        payload = event.data if isinstance(event.data, dict) else None
        if payload is None or payload.get("erased") is True:
            raise SnapshotGap(f"event {event.seq} was erased and cannot be re-applied")
        if restart_budget is not None:
            restart_budget()  # each command had its own script time budget
        clock = fixed_clock(event.at)
        try:
            if event.type == "task_completed":
                instances.complete(workflow, str(payload["task_id"]), payload.get("data") or {}, clock)
            else:
                instances.advance(workflow, clock)
        except (instances.Incident, LookupError) as err:
            raise SnapshotGap(f"event {event.seq} ({event.type}) does not re-apply: {err}") from None
        last = event
    if last is not None and last.state_digest and instances.state_digest(workflow) != last.state_digest:
        raise SnapshotGap(f"the state re-applied up to event {last.seq} differs from the state it recorded")


# The commands that always store the whole workflow (engine/audit/replay.py COMMANDS, less REAPPLIED),
# and the erasures, which store it whole too.
_FULL_STORE = frozenset({"case_started", "message_received", "external_task_completed", "incident_resolved",
                         "retry_failed", "case_migrated", "case_erased", "category_erased"})
