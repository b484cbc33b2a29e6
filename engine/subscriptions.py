"""The rows that let commands find a case without loading its workflow: what it waits for.

Written with the case in every command (cases._store), like work items (skipped for processes
without message catches or service tasks, so the PVT processes pay nothing): `message_waits` (one row per
correlation value of every waiting message catch) and `service_items` (one per external task).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import waiting
from .store.tables import Case, MessageWait, ServiceItem


def sync(session: Session, case: Case, workflow, now: datetime) -> None:
    running = case.status == "running"
    messages, external = waiting.kinds_of(workflow)
    if messages:
        _sync_message_waits(session, case, waiting.message_waits(workflow) if running else [])
    if external:
        _sync_service_items(session, case, waiting.external_tasks(workflow) if running else [], now)


def _sync_message_waits(session: Session, case: Case, waits: list) -> None:
    # Rewritten every time (one DELETE by the case index): waits are few and carry no state of their own.
    session.execute(delete(MessageWait).where(MessageWait.case_id == case.id))
    for wait in waits:
        pairs = list(wait.correlation.items()) or [(None, None)]
        for key, value in pairs:
            session.add(MessageWait(case_id=case.id, task_id=wait.task_id, element=wait.element,
                                    message=wait.message, corr_key=key, corr_value=value,
                                    broadcast=wait.broadcast))


def _sync_service_items(session: Session, case: Case, tasks: list, now: datetime) -> None:
    """Keep lock, worker and retries of items still open; add new ones, drop finished ones."""
    existing = {i.id: i for i in session.scalars(select(ServiceItem).where(ServiceItem.case_id == case.id))}
    open_ids = {t.task_id for t in tasks}
    gone = [item_id for item_id in existing if item_id not in open_ids]
    if gone:
        session.execute(delete(ServiceItem).where(ServiceItem.id.in_(gone)))
    for task in tasks:
        if task.task_id not in existing:
            session.add(ServiceItem(id=task.task_id, case_id=case.id, process_id=case.process_id,
                                    gemeente=case.gemeente, element=task.element, topic=task.topic,
                                    input=task.input, created_at=now))
