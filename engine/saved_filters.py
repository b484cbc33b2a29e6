"""Saved worklist filters: a caseworker names the filter they use often (view, stage, role, search) and
picks it again later, after a restart too. Per user; not case data, so no events.

The search text may be a name or a BSN: the rows are the user's own and go nowhere else (no export, no
history); on PostgreSQL row-level security keeps them to their owner (engine/rights/pg.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .store.tables import SavedFilter
from .views import WorklistFilter

MAX_NAME = 60  # a name fits a picker row at 80 columns
MAX_FILTERS = 50  # per user: a list to pick from, not a store
VIEWS = ("team", "mine")


def check(name: str, view: str, search: str | None) -> tuple[str, str | None]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("a saved filter needs a name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"the filter's name is longer than {MAX_NAME} characters")
    if view not in VIEWS:
        raise InvalidInput(f"view must be one of {', '.join(VIEWS)}, not '{view}'")
    search = (search or "").strip() or None
    if search and len(search) > 200:
        raise InvalidInput("the search text is longer than 200 characters")
    return name, search


def save(session: Session, user: str, wanted: WorklistFilter, now: datetime) -> WorklistFilter:
    """Store `wanted` under its name for `user`; the same name again replaces the earlier filter."""
    name, search = check(wanted.name, wanted.view, wanted.search)
    row = session.get(SavedFilter, (user, name))
    if row is None:
        count = len(session.scalars(select(SavedFilter.name).where(SavedFilter.user == user)).all())
        if count >= MAX_FILTERS:
            raise InvalidInput(f"at most {MAX_FILTERS} saved filters per user: delete one first")
        row = SavedFilter(user=user, name=name)
        session.add(row)
    row.view, row.stage, row.role, row.search, row.saved_at = wanted.view, wanted.stage, wanted.role, search, now
    return _view(row)


def list_for(session: Session, user: str) -> list[WorklistFilter]:
    rows = session.scalars(select(SavedFilter).where(SavedFilter.user == user).order_by(SavedFilter.name))
    return [_view(row) for row in rows]


def remove(session: Session, user: str, name: str) -> bool:
    result = session.execute(delete(SavedFilter).where(SavedFilter.user == user, SavedFilter.name == name))
    return bool(result.rowcount)


def _view(row: SavedFilter) -> WorklistFilter:
    return WorklistFilter(row.name, row.view, row.stage, row.role, row.search)
