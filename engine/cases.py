"""Case use cases: start a case, complete a task, fire due timers. One transaction each.

Every command loads the case's workflow, lets SpiffWorkflow run until the case waits again, then
writes the workflow, its work items and one event in the caller's transaction. A script that fails
leaves the workflow as it was and marks the case `error` with an incident instead.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import instances, subscriptions
from .audit import case_chain
from .definitions import SpecCache
from .errors import Conflict, InvalidInput, NotFound
from .serialization import SERIALIZER_VERSION, dump_workflow, load_workflow
from .store import repo
from .store.tables import Case, DefinitionVersion, WorkItem


@dataclass
class CaseContext:
    """Everything a case command needs besides the session."""

    specs: SpecCache
    script_engine_factory: object
    clock: object
    actor: str


def start(session: Session, ctx: CaseContext, definition: DefinitionVersion, gemeente: str,
          data: dict) -> Case:
    spec, subs = ctx.specs.get(definition.id, lambda: definition.specs)
    now = ctx.clock()
    workflow = instances.new_workflow(spec, subs, ctx.script_engine_factory(), data)
    case = Case(
        id=str(uuid.uuid4()), definition_id=definition.id, process_id=definition.process_id,
        gemeente=gemeente, status="running", stage=None, workflow="", serializer_version=SERIALIZER_VERSION,
        created_at=now, updated_at=now,
    )
    session.add(case)
    case_chain.link(session, case, repo.audit_key(session), now)
    payload = {"process_id": definition.process_id, "gemeente": gemeente, "data": data}
    incident = _try(lambda: instances.advance(workflow, ctx.clock))
    if incident:  # keep the case as it was before its first step, with the incident beside it
        workflow = instances.new_workflow(spec, subs, ctx.script_engine_factory(), data)
    digest = _store(session, ctx, case, workflow, incident)
    _record(session, ctx, case, workflow, digest, "case_started", payload, incident=incident)
    return case


def lock_case_of_task(session: Session, task_id: str) -> Case:
    """The case of an open task, locked for this command (one read of the case row)."""
    return repo.case_for_update(session, work_item(session, task_id).case_id)


def complete_task(session: Session, ctx: CaseContext, case: Case, task_id: str, data: dict) -> Case:
    """Complete an open human task of the locked `case`; the caller validated `data` against its form."""
    # Re-read under the lock: someone may have completed it while we waited for the lock.
    item = session.get(WorkItem, task_id, populate_existing=True)
    if item is None:
        raise Conflict(f"task {task_id} is no longer open (completed by someone else)")
    workflow = _load(session, ctx, case)
    incident = _try(lambda: instances.complete(workflow, task_id, data, ctx.clock))
    if incident:
        workflow = _load(session, ctx, case)  # discard the half-run workflow
    digest = _store(session, ctx, case, workflow, incident)
    payload = {"task_id": task_id, "data": data}
    _record(session, ctx, case, workflow, digest, "task_completed", payload, task=item.task, task_id=task_id,
            incident=incident)
    return case


def fire_timers(session: Session, ctx: CaseContext, case_id: str) -> bool:
    """Fire the due timers of one case. True when something moved; False when it is no longer due or
    another worker holds it (skipped, not waited for)."""
    case = repo.claim_due_case(session, case_id, ctx.clock())
    if case is None:
        return False
    workflow = _load(session, ctx, case)
    before = instances.waiting_timers(workflow)
    incident = _try(lambda: instances.advance(workflow, ctx.clock))
    if incident:
        workflow = _load(session, ctx, case)
    fired = [t for t in before if t < ctx.clock()]
    if not fired and not incident:
        return False
    digest = _store(session, ctx, case, workflow, incident)
    payload = {"timers": [t.isoformat() for t in fired]}
    _record(session, ctx, case, workflow, digest, "timer_fired", payload, incident=incident)
    return True


def retry(session: Session, ctx: CaseContext, case: Case, workflow, incident: dict):
    """Run the engine steps of a case in error again (engine/incidents.py); the Incident if it fails."""
    failed = _try(lambda: instances.advance(workflow, ctx.clock))
    if failed:
        workflow = _load(session, ctx, case)
    digest = _store(session, ctx, case, workflow, failed)
    payload = {"incident": incident.get("message"), "task": incident.get("task")}
    _record(session, ctx, case, workflow, digest, "retry_failed" if failed else "incident_resolved", payload,
            incident=failed)
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


def work_item(session: Session, task_id: str) -> WorkItem:
    item = session.get(WorkItem, task_id)
    if item is not None:
        return item
    if repo.task_was_completed(session, task_id):
        raise Conflict(f"task {task_id} is no longer open (already completed)")
    raise NotFound(f"task '{task_id}' does not exist")


def load_for_reading(session: Session, ctx: CaseContext, case: Case):
    return _load(session, ctx, case)


def _load(session: Session, ctx: CaseContext, case: Case):
    definition = repo.definition(session, case.definition_id)
    spec, subs = ctx.specs.get(definition.id, lambda: definition.specs)
    workflow = load_workflow(case.workflow, spec, subs)
    workflow.script_engine = ctx.script_engine_factory()
    return workflow


def _try(step) -> instances.Incident | None:
    try:
        step()
    except instances.Incident as incident:
        return incident
    return None


def _store(session: Session, ctx: CaseContext, case: Case, workflow, incident) -> str:
    """Write the case row and its work items; returns the state digest for the command's event.

    The data, timers and digest come from one state snapshot: one walk over the task tree, not three.
    """
    now = ctx.clock()
    state = instances.state_snapshot(workflow)
    data = state["data"]
    case.workflow = dump_workflow(workflow)
    case.serializer_version = SERIALIZER_VERSION
    case.updated_at = now
    case.next_timer_at = datetime.fromisoformat(state["timers"][0]) if state["timers"] else None
    case.stage = instances.current_stage(workflow, case.stage)
    case.person_name, case.bsn = _person(data)
    case.deadline = _deadline(data)
    case.facts = _facts(data)
    if incident:
        case.status = "error"
        case.incident = {"task": incident.task, "message": incident.message, "at": now.isoformat()}
    else:
        case.status = "completed" if workflow.is_completed() else "running"
        case.incident = None
    _sync_work_items(session, case, workflow, now)
    subscriptions.sync(session, case, workflow, now)
    return instances.digest_of(state)


def _record(session, ctx, case, workflow, digest, type_, payload, *, task=None, task_id=None, incident=None):
    now = ctx.clock()
    repo.append_event(session, case_id=case.id, type=type_, at=now, actor=ctx.actor, task=task,
                      task_id=task_id, definition_id=case.definition_id, data=payload, state_digest=digest)
    if incident:
        repo.append_event(session, case_id=case.id, type="incident_raised", at=now, actor=ctx.actor,
                          task=incident.task, definition_id=case.definition_id,
                          data={"message": incident.message, "command": type_}, state_digest=digest)
    elif workflow.is_completed():
        repo.append_event(session, case_id=case.id, type="case_completed", at=now, actor=ctx.actor,
                          definition_id=case.definition_id, data=None, state_digest=digest)


def _sync_work_items(session: Session, case: Case, workflow, now: datetime) -> None:
    """Make the work_items rows of this case exactly its ready human tasks (keeping assignees)."""
    ready = {t.id: t for t in instances.human_tasks(workflow)} if case.status != "completed" else {}
    existing = {w.id: w for w in session.scalars(select(WorkItem).where(WorkItem.case_id == case.id))}
    gone = [item_id for item_id in existing if item_id not in ready]
    if gone:
        session.execute(delete(WorkItem).where(WorkItem.id.in_(gone)))
    for task_id, task in ready.items():
        item = existing.get(task_id)
        if item is None:
            item = WorkItem(id=task_id, case_id=case.id, created_at=now, assignee=None)
            item.due_at = task.due or instances.due_from_duration(now, task.due_in)
            session.add(item)
        elif task.due:
            item.due_at = task.due
        item.process_id, item.gemeente, item.task, item.title = case.process_id, case.gemeente, task.task, task.title
        item.role, item.form, item.ui_form, item.stage = task.role, task.form, task.ui_form, task.stage
        item.person_name, item.bsn = case.person_name, case.bsn
    session.flush()


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

    code = (gemeente or "").strip()
    if not code:
        raise InvalidInput("--gemeente is required (a municipality code, e.g. GM0363)")
    return check_text(code, "--gemeente", MAX_GEMEENTE)
