"""External tasks (the Camunda pattern): a service task with a topic waits in `service_items` until an
outside worker fetches it (which locks it for a while), then completes it with data or fails it.

A connector (DUO, zaaksysteem) is a small program looping `traject external fetch` / `complete`.
A lock that expires returns the item to the queue; a failure with retries left returns it too, the
last failure (retries 0) becomes the case's incident. Two workers never get the same item: PostgreSQL
skips rows another fetch has locked (FOR UPDATE SKIP LOCKED), SQLite runs writers one at a time.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import cases, waiting
from .errors import Conflict, InvalidInput, NotFound
from .store import repo
from .store.tables import Case, ServiceItem
from .views import ExternalItem


def view(item: ServiceItem) -> ExternalItem:
    return ExternalItem(id=item.id, case_id=item.case_id, process_id=item.process_id, gemeente=item.gemeente,
                        element=item.element, topic=item.topic, input=item.input or {}, worker=item.worker,
                        locked_until=item.locked_until, retries=item.retries, error=item.error)


def fetch(session: Session, topic: str, worker: str, lock: timedelta, limit: int, now: datetime,
          within=None) -> list[ExternalItem]:
    if not worker.strip():
        raise InvalidInput("--worker must name the fetching worker")
    stmt = (select(ServiceItem).where(ServiceItem.topic == topic,
                                      or_(ServiceItem.locked_until.is_(None), ServiceItem.locked_until <= now))
            .order_by(ServiceItem.created_at, ServiceItem.id).limit(limit)
            .with_for_update(skip_locked=True))
    if within is not None:  # the worker's rights: only items of gemeenten in its scope
        stmt = stmt.where(within)
    items = list(session.scalars(stmt))
    for item in items:
        item.worker, item.locked_until = worker, now + lock
    session.flush()
    return [view(i) for i in items]


def list_items(session: Session, topic: str | None, case_id: str | None, limit: int,
               within=None) -> list[ExternalItem]:
    stmt = select(ServiceItem).order_by(ServiceItem.created_at, ServiceItem.id).limit(limit)
    if within is not None:
        stmt = stmt.where(within)
    if topic:
        stmt = stmt.where(ServiceItem.topic == topic)
    if case_id:
        stmt = stmt.where(ServiceItem.case_id == case_id)
    return [view(i) for i in session.scalars(stmt)]


def locked_item(session: Session, item_id: str, worker: str | None, now: datetime) -> ServiceItem:
    """The item, locked by `worker` (when given) and not expired: else someone else may hold it now."""
    item = session.get(ServiceItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound(f"external task '{item_id}' does not exist (or is already done)")
    if item.locked_until is None or item.locked_until <= now:
        raise Conflict(f"external task {item_id} is not locked (its lock expired or it was never fetched); "
                       "fetch it again")
    if worker and item.worker != worker:
        raise Conflict(f"external task {item_id} is locked by worker '{item.worker}'")
    return item


def complete(session: Session, ctx: cases.CaseContext, item: ServiceItem, data: dict) -> Case:
    case = repo.case_for_update(session, item.case_id)
    workflow = cases.load_for_reading(session, ctx, case)
    incident = cases._try(lambda: waiting.complete_external(workflow, item.id, data, ctx.clock))
    if incident:
        workflow = cases.load_for_reading(session, ctx, case)
    digest = cases._store(session, ctx, case, workflow, incident)
    payload = {"task_id": item.id, "topic": item.topic, "worker": item.worker, "data": data}
    cases._record(session, ctx, case, workflow, digest, "external_task_completed", payload, task=item.element,
                  task_id=item.id, incident=incident)
    return case


def fail(session: Session, ctx: cases.CaseContext, item: ServiceItem, message: str, retries: int) -> Case:
    """Retries left: back to the queue (unlocked) with the error kept. None left: the case's incident."""
    if retries < 0:
        raise InvalidInput("--retries must be 0 or more")
    case = repo.case_for_update(session, item.case_id)
    now = ctx.clock()
    payload = {"task_id": item.id, "topic": item.topic, "worker": item.worker, "message": message,
               "retries": retries}
    item.error, item.retries, item.worker, item.locked_until = message, retries, None, None
    # Not a command on the workflow: the case's state does not change, so the event has no digest.
    repo.append_event(session, case_id=case.id, type="external_task_failed", at=now, actor=ctx.actor,
                      task=item.element, task_id=item.id, definition_id=case.definition_id, data=payload)
    if retries == 0:
        case.status = "error"
        case.incident = {"task": item.element, "message": f"external task '{item.topic}' failed: {message}",
                         "at": now.isoformat()}
        repo.append_event(session, case_id=case.id, type="incident_raised", at=now, actor=ctx.actor,
                          task=item.element, definition_id=case.definition_id,
                          data={"message": case.incident["message"], "command": "external_task_failed"})
        session.delete(item)
    session.flush()
    return case


def parse_lock(text: str | None) -> timedelta:
    """An ISO 8601 duration such as PT5M (default 5 minutes)."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    if not text:
        return timedelta(minutes=5)
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text)
        start = datetime(2000, 1, 1)
        lock = TimerEventDefinition.get_timedelta_from_start(parsed, start)
    except Exception:  # noqa: BLE001 - Spiff raises several types for bad text
        raise InvalidInput(f"--lock: '{text}' is not an ISO 8601 duration (e.g. PT5M)") from None
    if lock <= timedelta(0):
        raise InvalidInput(f"--lock: '{text}' must be longer than zero")
    return lock
