"""Worklist queries. They read only the work_items table, never a workflow."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select

from .list_views import WorkItem
from .store.db import connection_of
from .store.schema import follow_ups, work_items

_item, _follow_up = work_items.c, follow_ups.c


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


def query(executor, f: TaskFilter, visible=None, by_bsn: bool = True) -> list[WorkItem]:
    """`executor`: the command's Connection or Session. `visible`: the rights clause of the acting user
    (engine/rights/visibility.py), None inside a case command that already checked the case. `by_bsn`:
    whether a search may match the BSN (not for an outside executor, who never sees one)."""
    stmt = select(work_items)  # plain rows, no ORM objects: a list is read, never changed
    if visible is not None:
        stmt = stmt.where(visible)
    for condition in _conditions(f, by_bsn):
        stmt = stmt.where(condition)
    # Due date first, open tasks without one last, then oldest first: a stable order for paging.
    stmt = stmt.order_by(_item.due_at.is_(None), _item.due_at, _item.created_at, _item.id)
    if f.limit:
        stmt = stmt.limit(f.limit).offset(f.offset)
    return [to_view(row) for row in connection_of(executor).execute(stmt)]


def _conditions(f: TaskFilter, by_bsn: bool = True) -> Iterable:
    if f.case_id:
        yield _item.case_id == f.case_id
    if f.gemeente:
        yield _item.gemeente == f.gemeente
    if f.role:
        yield _item.role == f.role
    if f.assignee:
        yield _item.assignee == f.assignee
    if f.roles is not None:
        yield _item.role.in_(f.roles)
    if f.gemeenten is not None:
        yield _item.gemeente.in_(f.gemeenten)
    if f.stage:
        yield _item.stage == f.stage
    if f.assignee and f.waiting_until is not None:
        yield ~exists().where(and_(_follow_up.task_id == _item.id, _follow_up.user == f.assignee,
                                   _follow_up.until > f.waiting_until))
    if f.search:
        yield search_clause(f.search.strip(), _item.person_name, _item.bsn if by_bsn else None, _item.case_id)


def search_clause(text: str, name, bsn, case_id):
    """Part of the person's name, the whole BSN (when `bsn` is a column) or the start of the case id;
    `%` and `_` in the text are themselves, not LIKE wildcards."""
    terms = [name.icontains(text, autoescape=True), case_id.startswith(text, autoescape=True)]
    if bsn is not None:
        terms.append(bsn == text)
    return or_(*terms)


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
