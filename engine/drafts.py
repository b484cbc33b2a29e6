"""Drafts: what a caseworker typed into a task form without sending it, kept per task and user.

Plain rows beside the case, never events: a draft is not part of the dossier, the audit trail or an
export, and it goes when the task does (completed, or gone because a timer or another path ended it).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .errors import InvalidInput, NotFound
from .store.tables import Draft, WorkItem

MAX_DRAFT_BYTES = 200_000  # a form is a few KB; refuse anything that is clearly not one


def save(session: Session, task_id: str, user: str, data: dict, now: datetime) -> None:
    item = session.get(WorkItem, task_id)
    if item is None:
        raise NotFound(f"task '{task_id}' is not open")
    if not isinstance(data, dict):
        raise InvalidInput("a draft is a JSON object of form fields")
    if len(json.dumps(data, default=str)) > MAX_DRAFT_BYTES:
        raise InvalidInput(f"the draft is larger than {MAX_DRAFT_BYTES} bytes")
    draft = session.get(Draft, (task_id, user))
    if draft is None:
        session.add(Draft(task_id=task_id, user=user, case_id=item.case_id, data=data, updated_at=now))
    else:
        draft.data, draft.updated_at = data, now


def get(session: Session, task_id: str, user: str) -> Draft | None:
    """The user's draft of an open task; a draft whose task is no longer open is dropped."""
    draft = session.get(Draft, (task_id, user))
    if draft is not None and session.get(WorkItem, task_id) is None:
        session.delete(draft)
        return None
    return draft


def discard(session: Session, task_id: str, user: str) -> bool:
    return bool(session.execute(delete(Draft).where(Draft.task_id == task_id, Draft.user == user)).rowcount)


def drop_closed(session: Session, case_id: str) -> None:
    """Delete the case's drafts of tasks that are no longer open (run after a command moved the case)."""
    open_ids = select(WorkItem.id).where(WorkItem.case_id == case_id)
    session.execute(delete(Draft).where(Draft.case_id == case_id, Draft.task_id.not_in(open_ids)))
