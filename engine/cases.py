"""Case use cases: start a case, complete a task, fire due timers. One transaction each.

Every command loads the case's workflow (its snapshot and the commands since: engine/snapshots.py),
lets SpiffWorkflow run until the case waits again, then writes one event, the work items and the case
row in the caller's transaction, and the whole workflow when a new snapshot is due. Start, completion
and timers, the commands run most, read and write the case as plain rows with SQLAlchemy Core
(engine/case_locks.py, engine/store/rows.py); the others (messages, external tasks, retries,
migrations) through the ORM, which the shared steps below accept alike. A script that fails
leaves the workflow as it was and marks the case `error` with an incident instead.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import instances, snapshots, subscriptions
from .audit import case_chain
from .case_locks import LockedTask, claim_due, lock_task, work_item  # noqa: F401 - the case commands' API
from .definitions import SpecCache
from .errors import InvalidInput
from .live import LiveWorkflows
from .serialization import SERIALIZER_VERSION, dump_workflow
from .store import repo, rows
from .store.db import AFTER_COMMIT
from .store.tables import Case, DefinitionVersion, WorkItem


@dataclass
class CaseContext:
    """Everything a case command needs besides the session."""

    specs: SpecCache
    script_engine_factory: object
    clock: object
    actor: str
    live: LiveWorkflows | None = None  # restored workflows of a long-running process (engine/live.py)


def start(session: Session, ctx: CaseContext, definition: DefinitionVersion, gemeente: str,
          data: dict) -> rows.CaseRow:
    spec, subs = ctx.specs.get(definition.id, lambda: definition.specs)
    now = ctx.clock()
    workflow = instances.new_workflow(spec, subs, ctx.script_engine_factory(), data)
    case = rows.CaseRow.new(
        id=str(uuid.uuid4()), definition_id=definition.id, process_id=definition.process_id,
        gemeente=gemeente, status="running", stage=None, workflow="", serializer_version=SERIALIZER_VERSION,
        created_at=now, updated_at=now, last_event_seq=0,  # no event yet: its first follows seq 0
    )
    case_chain.link(session, case, repo.audit_key(session), now)
    payload = {"process_id": definition.process_id, "gemeente": gemeente, "data": data}
    incident = _try(lambda: instances.advance(workflow, ctx.clock))
    if incident:  # keep the case as it was before its first step, with the incident beside it
        workflow = instances.new_workflow(spec, subs, ctx.script_engine_factory(), data)
    # The rows of what the case waits for (engine/subscriptions.py) go out through the ORM and refer to
    # the case: no flush before the case row is inserted, once, complete (a later statement's autoflush
    # would send them first: a foreign key violation on PostgreSQL).
    with session.no_autoflush:
        digest, items = _store_with_items(session, ctx, case, workflow, incident, existing={})
        _record(session, ctx, case, workflow, digest, "case_started", payload, incident=incident, items=items)
    rows.write(session.connection(), case, {}, items)
    return case


def lock_case_of_task(session: Session, task_id: str) -> Case:
    """The case of an open task, locked for this command (one read of the case row)."""
    return repo.case_for_update(session, work_item(session, task_id).case_id)


def complete_task(session: Session, ctx: CaseContext, locked: LockedTask, task_id: str, data: dict) -> rows.CaseRow:
    """Complete an open human task of the locked case; the caller validated `data` against its form.
    The case row, its work items and the events are written here, with Core statements."""
    case, items = locked.case, locked.items
    element = items[task_id].task  # before the sync: the completed task's row may become the next task's
    workflow = _load(session, ctx, case)
    incident = _try(lambda: instances.complete(workflow, task_id, data, ctx.clock))
    if incident:
        workflow = _load(session, ctx, case)  # discard the half-run workflow
    digest, synced = _store_with_items(session, ctx, case, workflow, incident, items, "task_completed")
    payload = {"task_id": task_id, "data": data}
    _record(session, ctx, case, workflow, digest, "task_completed", payload, task=element, task_id=task_id,
            incident=incident, items=synced)
    rows.write(session.connection(), case, items, synced, completed=task_id)
    return case


def synced_items(session: Session, case_id: str) -> list[WorkItem] | None:
    """The work items the last `_store` in this session left for the case (None: none ran), as written."""
    return session.info.get("traject_synced_items", {}).get(case_id)


def fire_timers(session: Session, ctx: CaseContext, case_id: str) -> bool:
    """Fire the due timers of one case. True when something moved; False when it is no longer due or
    another worker holds it (skipped, not waited for)."""
    locked = claim_due(session, case_id, ctx.clock())
    if locked is None:
        return False
    case = locked.case
    workflow = _load(session, ctx, case)
    before = instances.waiting_timers(workflow)
    incident = _try(lambda: instances.advance(workflow, ctx.clock))
    if incident:
        workflow = _load(session, ctx, case)
    fired = [t for t in before if t <= ctx.clock()]
    if not fired and not incident:
        return False
    digest, items = _store_with_items(session, ctx, case, workflow, incident, locked.items, "timer_fired")
    payload = {"timers": [t.isoformat() for t in fired]}
    _record(session, ctx, case, workflow, digest, "timer_fired", payload, incident=incident, items=items)
    rows.write(session.connection(), case, locked.items, items)
    return True


def retry(session: Session, ctx: CaseContext, case: Case, workflow, incident: dict):
    """Run the engine steps of a case in error again (engine/incidents.py); the Incident if it fails."""
    failed = _try(lambda: instances.advance(workflow, ctx.clock))
    if failed:
        workflow = _load(session, ctx, case)
    digest, items = _store_with_items(session, ctx, case, workflow, failed)
    payload = {"incident": incident.get("message"), "task": incident.get("task")}
    _record(session, ctx, case, workflow, digest, "retry_failed" if failed else "incident_resolved", payload,
            incident=failed, items=items)
    return failed


def record_failure(session: Session, ctx: CaseContext, case_id: str, command: str, message: str) -> None:
    """Mark a case `error` after a command on it failed outside the script sandbox's wrapping (an
    unreadable stored workflow, a bug): the workflow is left as it was, the incident is recorded.

    The incident_raised event follows no command event, so a replay takes it as information only
    and the state digest it carries is that of the last event: the state did not change.
    """
    case = repo.case_for_update(session, case_id)
    last = repo.last_event(session, case_id)
    case.status = "error"
    case.incident = {"task": None, "message": message, "at": ctx.clock().isoformat()}
    case.updated_at = ctx.clock()
    repo.append_event(session, case_id=case.id, type="incident_raised", at=ctx.clock(), actor=ctx.actor,
                      definition_id=case.definition_id, data={"message": message, "command": command},
                      state_digest=last.state_digest if last else None)


def load_for_reading(session: Session, ctx: CaseContext, case: Case):
    """The case's workflow for a command that may change it (taken out of the live cache, if any)."""
    return _load(session, ctx, case)


def peek_for_reading(session: Session, ctx: CaseContext, case: Case):
    """The case's workflow for a read that changes nothing (a form, a dossier): a live one stays cached."""
    if ctx.live is not None:
        workflow = ctx.live.peek(case.id, case.lock_version, case.workflow)
        if workflow is not None:
            return workflow
    return _restore(session, ctx, case)


def _load(session: Session, ctx: CaseContext, case: Case):
    if ctx.live is not None:
        workflow = ctx.live.take(case.id, case.lock_version, case.workflow)
        if workflow is not None:
            workflow.script_engine = ctx.script_engine_factory()  # a fresh budget for this command
            return workflow
    return _restore(session, ctx, case)


def _restore(session: Session, ctx: CaseContext, case: Case):
    # The definition row only on a cache miss: a deployed version's specs never change.
    spec, subs = ctx.specs.get(case.definition_id, lambda: repo.definition_column(session, case.definition_id, "specs"))
    workflow = snapshots.restore(case, spec, subs, ctx.script_engine_factory,
                                 lambda: snapshots.events_after_snapshot(session, case))
    if case.snapshot_seq is not None:
        workflow.script_engine = ctx.script_engine_factory()  # the command's own, fresh budget
    return workflow


def _keep_live(session: Session, ctx: CaseContext, case: Case, workflow) -> None:
    """After the commit, keep the workflow just stored under the case's new lock version."""
    if ctx.live is None:
        return
    live = ctx.live
    session.info.setdefault(AFTER_COMMIT, []).append(
        lambda: live.put(case.id, case.lock_version, case.workflow, workflow))


def _try(step) -> instances.Incident | None:
    try:
        step()
    except instances.Incident as incident:
        return incident
    return None


def _store(session: Session, ctx: CaseContext, case: Case, workflow, incident) -> str:
    """Write the case row and its work items; returns the state digest for the command's event."""
    return _store_with_items(session, ctx, case, workflow, incident)[0]


def _store_with_items(session: Session, ctx: CaseContext, case: Case, workflow, incident,
                      existing: dict[str, WorkItem] | None = None,
                      event_type: str | None = None) -> tuple[str, list[WorkItem]]:
    """Write the case row and its work items: the state digest for the command's event and the work
    items as the command leaves them (for the row hash: not read back). `existing`: the case's work
    items as read under the lock, else they are selected. `event_type`: the command's event, when it
    may leave the stored workflow as a snapshot to re-apply it to (engine/snapshots.py).

    The data, timers and digest come from one state snapshot: one walk over the task tree, not three.
    Nothing is flushed here: the command's event flushes the case row, work items and event at once.
    """
    now = ctx.clock()
    waiting = instances.open_tasks(workflow)  # one walk over the task tree for the state, stage and work items
    state = instances.state_snapshot(workflow, waiting)
    data = state["data"]
    if snapshots.may_skip_snapshot(case, event_type, workflow, incident):
        if case.snapshot_seq is None:
            case.snapshot_seq = case.last_event_seq or 0  # the stored workflow is the state after it
    else:
        case.workflow = dump_workflow(workflow)
        case.serializer_version = SERIALIZER_VERSION
        case.snapshot_seq = None
    case.updated_at = now
    case.next_timer_at = datetime.fromisoformat(state["timers"][0]) if state["timers"] else None
    case.stage = instances.current_stage(workflow, case.stage, waiting)
    case.person_name, case.bsn = _person(data)
    case.deadline = _deadline(data)
    case.facts = _facts(data)
    if incident:
        case.status = "error"
        case.incident = {"task": incident.task, "message": incident.message, "at": now.isoformat()}
    else:
        case.status = "completed" if workflow.is_completed() else "running"
        case.incident = None
    if not incident:  # a workflow that raised an incident is the one restored from the row: not kept
        _keep_live(session, ctx, case, workflow)
    items = _sync_work_items(session, case, instances.human_tasks(workflow, waiting), now, existing)
    subscriptions.sync(session, case, workflow, now)
    session.info.setdefault("traject_synced_items", {})[case.id] = items
    return instances.digest_of(state), items


def _record(session, ctx, case, workflow, digest, type_, payload, *, task=None, task_id=None, incident=None,
            items=None):
    now = ctx.clock()
    events = [(type_, task, task_id, payload)]
    if incident:
        events.append(("incident_raised", incident.task, None, {"message": incident.message, "command": type_}))
    elif workflow.is_completed():
        events.append(("case_completed", None, None, None))
    for event_type, element, event_task_id, data in events:
        if isinstance(case, rows.CaseRow):
            repo.append_event_row(session, case, type=event_type, at=now, actor=ctx.actor, task=element,
                                  task_id=event_task_id, data=data, state_digest=digest, items=items)
        else:
            repo.append_event(session, case_id=case.id, type=event_type, at=now, actor=ctx.actor, task=element,
                              task_id=event_task_id, definition_id=case.definition_id, data=data,
                              state_digest=digest, items=items)


def _sync_work_items(session: Session, case: Case, human: list, now: datetime,
                     existing: dict[str, WorkItem] | None = None) -> list[WorkItem]:
    """Make the work_items rows of this case exactly its ready human tasks `human` (keeping assignees);
    returns them. Deletes and inserts go to the session, written at the command's one flush."""
    ready = {t.id: t for t in human} if case.status != "completed" else {}
    if existing is None:
        existing = {w.id: w for w in session.scalars(select(WorkItem).where(WorkItem.case_id == case.id))}
    finished = [item for item_id, item in existing.items() if item_id not in ready]
    left = [item.id for item in finished]  # tasks that leave the worklist (rows reused or deleted)
    items = []
    for task_id, task in ready.items():
        item = existing.get(task_id)
        if item is None:
            if finished:  # a finished task's row becomes the new task's: one UPDATE, not a DELETE and an INSERT
                item = finished.pop()
                item.id, item.created_at, item.assignee = task_id, now, None
            elif isinstance(case, rows.CaseRow):  # written with the case (rows.write_items)
                item = rows.ItemRow.new(id=task_id, case_id=case.id, created_at=now, assignee=None)
            else:
                item = WorkItem(id=task_id, case_id=case.id, created_at=now, assignee=None)
                session.add(item)
            item.due_at = task.due or instances.due_from_duration(now, task.due_in)
        elif task.due:
            item.due_at = task.due
        item.process_id, item.gemeente, item.task, item.title = case.process_id, case.gemeente, task.task, task.title
        item.role, item.form, item.ui_form, item.stage = task.role, task.form, task.ui_form, task.stage
        item.person_name, item.bsn = case.person_name, case.bsn
        items.append(item)
    if not isinstance(case, rows.CaseRow):  # a CaseRow's are deleted and recorded by rows.write_items
        for item in finished:
            session.delete(item)
        repo.close_tasks(session, case.id, left, now)
    return items


def _person(data: dict) -> tuple[str | None, str | None]:
    name = data.get("naam")
    if not name and (data.get("voornamen") or data.get("achternaam")):
        name = " ".join(str(p) for p in (data.get("voornamen"), data.get("achternaam")) if p)
    bsn = data.get("bsn")
    return (str(name)[:200] if name else None), (str(bsn)[:20] if bsn else None)


# The workflow data the monitoring figures count (engine/kpis.py) that no event field carries: scripts
# and decision tables set them (pvt_intake: the obligation; pvt_duo_registratie: on time or not).
FACTS = ("pvt_plichtig", "pvt_plicht_reden", "doelgroep", "datum_duo_registratie", "duo_binnen_termijn")


def _facts(data: dict) -> dict | None:
    """The FACTS present in `data`, as plain JSON values (a date as its ISO text); None when none is."""
    facts = {}
    for name in FACTS:
        value = data.get(name)
        if isinstance(value, bool | int | float | str):
            facts[name] = value
        elif isinstance(value, date):
            facts[name] = value.isoformat()
    return facts or None


def _deadline(data: dict) -> datetime | None:
    value = data.get("pvt_deadline") or data.get("deadline")
    if not isinstance(value, str):
        return None
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)


def require_gemeente(gemeente: str) -> str:
    from .inputs import MAX_GEMEENTE, check_text
    from .rights.directory import check_gemeente_code

    code = (gemeente or "").strip()
    if not code:
        raise InvalidInput("--gemeente is required (a municipality code, e.g. GM0363)")
    if re.fullmatch(r"gm\d{4}", code, re.IGNORECASE):  # gm0363 is GM0363: grants and lists name it so
        code = code.upper()
    # a case belongs to a gemeente by its CBS code: '0363' or 'Amsterdam' would be refused by the rights
    # check as "not allowed" (exit 4), where the user only mistyped the code
    return check_gemeente_code(check_text(code, "--gemeente", MAX_GEMEENTE))
