"""Distributing work (ZAC's "verdelen/vrijgeven"): a coordinator gives several open tasks to a
colleague who holds their role in their gemeente, or releases them, in one command; one event per task."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from .errors import InvalidInput, NotFound
from .store import repo
from .store.tables import User


def assign(session: Session, task_ids: Sequence[str], assignee: str | None, actor: str, now: datetime,
           work_item) -> int:
    """Set (or clear, `assignee` None) the assignee of every task; all or nothing. Returns the count."""
    if not task_ids:
        raise InvalidInput("name at least one task")
    user = session.get(User, assignee) if assignee else None
    if assignee and user is None:
        raise NotFound(f"user '{assignee}' does not exist")
    count = 0
    for task_id in dict.fromkeys(task_ids):
        item = work_item(session, task_id)
        if user and (item.gemeente not in user.gemeenten or (item.role and item.role not in user.roles)):
            raise InvalidInput(f"{assignee} does not hold the role '{item.role}' in {item.gemeente} "
                               f"(task {task_id}); nothing was assigned")
        case = repo.case_for_update(session, item.case_id)
        item.assignee = assignee
        repo.append_event(session, case_id=case.id, type="task_assigned" if assignee else "task_released",
                          at=now, actor=actor, task=item.task, task_id=task_id,
                          definition_id=case.definition_id, data={"assignee": assignee} if assignee else None)
        count += 1
    return count
