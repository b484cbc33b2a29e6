"""Distributing work (ZAC's "verdelen/vrijgeven"): a coordinator gives several open tasks to a
colleague who may complete them, or releases them, in one command; one event per task."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from .errors import Conflict, InvalidInput
from .rights import Principal, Resource
from .rights.principal import task_resource
from .store import repo
from .store.tables import WorkItem


def assign(session: Session, task_ids: Sequence[str], colleague: Principal | None, who: Principal,
           now: datetime, work_item) -> int:
    """Set (or clear, `colleague` None) the assignee of every task; all or nothing. Returns the count."""
    if not task_ids:
        raise InvalidInput("name at least one task")
    count = 0
    for task_id in dict.fromkeys(task_ids):
        case = repo.case_for_update(session, work_item(session, task_id).case_id)  # lock, then read
        item = session.get(WorkItem, task_id, populate_existing=True)
        if item is None:
            raise Conflict(f"task {task_id} is no longer open (completed by someone else)")
        resource = task_resource(item)
        who.require("task.takeover", Resource(resource.label, item.gemeente))
        if colleague is not None and not colleague.may("task.complete", resource):
            raise InvalidInput(f"{colleague.name} may not complete task {task_id} ({item.role or 'no lane'}, "
                               f"{item.gemeente}); nothing was assigned")
        item.assignee = colleague.name if colleague else None
        repo.append_event(session, case_id=case.id, type="task_assigned" if colleague else "task_released",
                          at=now, actor=who.name, task=item.task, task_id=task_id,
                          definition_id=case.definition_id,
                          data={"assignee": colleague.name} if colleague else None)
        count += 1
    return count
