""""Wachten tot": a follow-up date on a claimed task keeps it out of its assignee's "mine" list until
then (engine/worklist.py filters on it in SQL). A reminder on a desk, not case data: no event."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .errors import InvalidInput
from .store.tables import FollowUp, WorkItem


def set_until(session: Session, item: WorkItem, actor: str, until: datetime | None, now: datetime) -> None:
    if item.assignee != actor:
        raise InvalidInput(f"task {item.id} is not claimed by {actor}: claim it first")
    follow_up = session.get(FollowUp, (item.id, actor))
    if until is None:
        if follow_up is not None:
            session.delete(follow_up)
        return
    if until <= now:
        raise InvalidInput(f"the follow-up date {until.date().isoformat()} is not in the future")
    if follow_up is None:
        session.add(FollowUp(task_id=item.id, user=actor, until=until))
    else:
        follow_up.until = until
