"""Verify one case: its hash chain, a replay of its history, and the stored state against the replay."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import instances, snapshots
from ..errors import NotFound
from ..store import repo
from ..task_ids import stored_seed
from . import erasure
from .chain import KEYED
from .chain_check import check_chain
from .history import CaseHistory, Definition, Definitions
from .replay import MIGRATED, Replayer, Step, replay
from .rowhash import row_hash
from .views import CaseVerification, Finding


@dataclass
class Verified:
    """A verification with what the replay produced (the replay listing reuses it)."""

    result: CaseVerification
    steps: list[Step]
    definition: Definition | None


def verify_history(session: Session, history: CaseHistory, definitions: Definitions, script_engine_factory,
                   keep_states: bool = False) -> Verified:
    case_id, case, events = history.case_id, history.case, history.events
    findings = [] if case is not None else [Finding(case_id, None, "missing_case",
                                                    "events exist but the case row was deleted")]
    key = repo.audit_key(session)
    findings += check_chain(case_id, events, case.last_event_hash if case is not None else None, key)
    findings += time_order(case_id, events)
    findings += erasure.findings(case_id, case, events)
    findings += _row_findings(case_id, case, history.items, events, key)
    started = next((e for e in events if e.type == "case_started"), None)
    definition, problem = _definition(session, definitions, started)
    if definition is not None and definition.altered:
        findings.append(Finding(case_id, started.seq, "altered_definition",
                                f"process version {definition.label}: {definition.altered}"))
    steps = [Step(e, "not_replayed") for e in events]
    current, current_problem = _current_definition(session, definitions, events, definition)
    if current is not None and current is not definition and current.altered:
        findings.append(Finding(case_id, None, "altered_definition",
                                f"process version {current.label}: {current.altered}"))
    if problem:
        findings.append(Finding(case_id, started.seq if started else None, "replay_divergence", problem))
    else:
        def resolve(definition_id: int) -> tuple:
            found = definitions.get(session, definition_id)
            return found.spec, found.subprocess_specs

        replayer = Replayer(definition.spec, definition.subprocess_specs, script_engine_factory, keep_states,
                            resolve, id_seed=id_seed(case))
        steps = list(replay(events, replayer))
        findings += _replay_findings(case_id, steps)
        if current is not None:
            findings += _stored_state(case_id, case, current, steps, script_engine_factory)
    if current_problem:
        findings.append(Finding(case_id, None, "replay_divergence", current_problem))
    elif case is not None and current is not None and case.definition_id != current.id:
        origin = "was migrated to" if current is not definition else "started on"
        findings.append(Finding(case_id, None, "state_mismatch",
                                f"the case row names definition {case.definition_id}, its history "
                                f"{origin} {current.id}"))
    findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    notes = tuple(f"event {s.event.seq}: {s.message}" for s in steps if s.status == "erased")
    result = CaseVerification(
        case_id=case_id, process_id=case.process_id if case is not None else None,
        definition_version=(current or definition).version if (current or definition) else None,
        gemeente=case.gemeente if case is not None else None, events=len(events),
        findings=tuple(findings), notes=notes, person=_person(case))
    return Verified(result, steps, current or definition)


def _row_findings(case_id: str, case, items, events, key: bytes | None) -> list[Finding]:
    """The case row and its work items as the engine last wrote them (engine.audit.rowhash)."""
    if case is None or key is None or not hasattr(case, "row_hash"):
        return []
    if case.row_hash is None:
        if any(getattr(e, "hash_version", None) == KEYED for e in events):
            return [Finding(case_id, None, "altered_row", "the case row's hash was removed")]
        return []  # written before migration 0004 and not changed since
    if row_hash(key, case, items) == case.row_hash:
        return []
    return [Finding(case_id, None, "altered_row", "the case row or its work items were changed outside the "
                    "engine (gemeente, status, person, BSN, stage, timer, or a task's role, assignee or due date)")]


def time_order(case_id: str, events) -> list[Finding]:
    """Each event is dated no earlier than the one before it (the engine refuses an earlier clock), so
    a history whose times run backwards was written with a clock set back, or edited. One finding per
    step back."""
    findings, latest = [], None
    for event in events:
        if event.at is None:  # unreadable time: reported by the chain check
            continue
        if latest is not None and event.at < latest.at:
            findings.append(Finding(case_id, event.seq, "time_reversed",
                                    f"dated {event.at.isoformat()}, before event {latest.seq} "
                                    f"({latest.at.isoformat()})"))
        else:
            latest = event
    return findings


def _person(case) -> str | None:
    if case is None or not (case.person_name or case.bsn):
        return None
    bsn = str(case.bsn or "")
    masked = "*" * max(len(bsn) - 3, 0) + bsn[-3:] if bsn else ""
    return " ".join(part for part in (case.person_name, masked) if part)


def _definition(session, definitions: Definitions, started) -> tuple[Definition | None, str | None]:
    if started is None:
        return None, "the history has no case_started event, so it cannot be replayed"
    if started.definition_id is None:
        return None, "the case_started event names no definition version"
    try:
        return definitions.get(session, started.definition_id), None
    except NotFound as err:
        return None, f"{err}: the case cannot be replayed"


def _current_definition(session, definitions: Definitions, events, started: Definition | None):
    """The version the case runs on now: the one its last migration names, else the one it started on."""
    migrated = [e for e in events if e.type == MIGRATED]
    if not migrated:
        return started, None
    try:
        return definitions.get(session, migrated[-1].definition_id), None
    except NotFound as err:
        return None, f"{err}: the version the case was migrated to cannot be loaded"


def _replay_findings(case_id: str, steps: list[Step]) -> list[Finding]:
    diverged = next((s for s in steps if s.status == "diverged"), None)
    if diverged is None:
        return []
    return [Finding(case_id, diverged.event.seq, "replay_divergence", diverged.message or "")]


def _stored_state(case_id: str, case, definition: Definition, steps: list[Step], factory) -> list[Finding]:
    """The state the municipality acts on (the case row's snapshot and the commands since, restored as
    the engine restores it) must be the state a replay of its whole history produces. Costs one
    deserialization per case (about 1 ms) and the re-applied commands since the snapshot."""
    commands = [s for s in steps if s.status == "ok"]
    if case is None or not commands or len(commands) + _informational(steps) != len(steps):
        return []  # nothing to compare with, or the replay stopped (reported already)
    if not hasattr(case, "workflow"):
        return []
    try:
        # restored as the engine restores it: snapshot, then the events since
        workflow = snapshots.restore(case, definition.spec, definition.subprocess_specs, factory,
                                     lambda: [s.event for s in steps if s.event.seq > case.snapshot_seq])
        digest = instances.state_digest(workflow)
    except snapshots.SnapshotGap as err:
        return [Finding(case_id, None, "state_mismatch", f"the stored snapshot and the events since disagree: {err}")]
    except Exception as err:  # noqa: BLE001 - an unreadable stored workflow is a finding, not a crash
        return [Finding(case_id, None, "state_mismatch", f"the stored workflow cannot be read: {err}")]
    if digest == commands[-1].digest:
        return []
    return [Finding(case_id, None, "state_mismatch",
                    "the stored case state differs from the state its history produces "
                    f"(the case row was changed after event {steps[-1].event.seq})")]


def _informational(steps: list[Step]) -> int:
    return sum(1 for s in steps if s.status == "info")


def id_seed(case):
    """The task-id seed of the case's stored workflow, for a replay that makes the same task ids."""
    return stored_seed(getattr(case, "workflow", None)) if case is not None else None

