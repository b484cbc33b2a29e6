"""Worklist queries. They read only the work_items table, never a workflow."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from .store.tables import FollowUp
from .store.tables import WorkItem as WorkItemRow
from .views import WorkItem


@dataclass(frozen=True)
class TaskFilter:
    case_id: str | None = None
    gemeente: str | None = None
    role: str | None = None
    assignee: str | None = None
    roles: tuple[str, ...] | None = None  # any of these roles (a user's team view)
    gemeenten: tuple[str, ...] | None = None  # any of these gemeenten
    stage: str | None = None
    search: str | None = None  # part of the person's name, or the BSN
    waiting_until: datetime | None = None  # with assignee: leave out tasks whose follow-up date is later
    limit: int | None = None
    offset: int = 0


def query(session: Session, f: TaskFilter, visible=None) -> list[WorkItem]:
    """`visible`: the rights clause (engine/rights/visibility.py) of the acting user, None inside a case
    command that already checked the case."""
    stmt = select(WorkItemRow.__table__)  # plain rows, no ORM objects: a list is read, never changed
    if visible is not None:
        stmt = stmt.where(visible)
    for condition in _conditions(f):
        stmt = stmt.where(condition)
    # Due date first, open tasks without one last, then oldest first: a stable order for paging.
    stmt = stmt.order_by(WorkItemRow.due_at.is_(None), WorkItemRow.due_at, WorkItemRow.created_at,
                         WorkItemRow.id)
    if f.limit:
        stmt = stmt.limit(f.limit).offset(f.offset)
    return [to_view(row) for row in session.connection().execute(stmt)]


def _conditions(f: TaskFilter) -> Iterable:
    if f.case_id:
        yield WorkItemRow.case_id == f.case_id
    if f.gemeente:
        yield WorkItemRow.gemeente == f.gemeente
    if f.role:
        yield WorkItemRow.role == f.role
    if f.assignee:
        yield WorkItemRow.assignee == f.assignee
    if f.roles is not None:
        yield WorkItemRow.role.in_(f.roles)
    if f.gemeenten is not None:
        yield WorkItemRow.gemeente.in_(f.gemeenten)
    if f.stage:
        yield WorkItemRow.stage == f.stage
    if f.assignee and f.waiting_until is not None:
        yield ~exists().where(and_(FollowUp.task_id == WorkItemRow.id, FollowUp.user == f.assignee,
                                   FollowUp.until > f.waiting_until))
    if f.search:
        text = f.search.strip()
        yield or_(WorkItemRow.person_name.ilike(f"%{text}%"), WorkItemRow.bsn == text,
                  WorkItemRow.case_id.startswith(text))


def in_list_order(rows) -> list:
    """Rows in memory in the order `query` sorts them (due date, open-ended last, then age, then id)."""
    return sorted(rows, key=lambda r: (r.due_at is None, r.due_at or r.created_at, r.created_at, r.id))


def to_view(row) -> WorkItem:
    """A work item's view from its row (a result row, an ORM object or an engine/store/rows.ItemRow)."""
    return WorkItem(
        id=row.id, case_id=row.case_id, process_id=row.process_id, task=row.task, title=row.title,
        role=row.role, gemeente=row.gemeente, due=row.due_at, assignee=row.assignee, schema=row.form,
        stage=row.stage, person_name=row.person_name, bsn=row.bsn, created_at=row.created_at,
    )
