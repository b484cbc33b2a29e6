"""The locking reads of the case commands: the case row, locked for the command, with its open work items,
read as plain rows (engine/store/rows.py) in one statement on SQLite.

The statements are built once (engine/store/rows.py says why): the case with its work items' columns
labelled ITEM + name, one row per open work item.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from .errors import Conflict, NotFound
from .store import repo, rows
from .store.rows import CASES, WORK_ITEMS
from .store.schema import drafts, follow_ups
from .store.tables import ClosedTask, WorkItem


@dataclass
class LockedTask:
    """An open task's case, locked, with everything a completion needs to know before it writes."""

    case: rows.CaseRow
    items: dict[str, rows.ItemRow]  # the case's open work items by id, the task's among them
    has_drafts: bool  # the case has saved drafts (else there are none to drop)
    has_follow_ups: bool  # the task has follow-up dates (else there are none to delete)


def lock_task(session: Session, task_id: str) -> LockedTask:
    """The case of an open task, locked for this command, with all its open work items and whether
    drafts and follow-up dates exist (see _lock_rows)."""
    locked = _lock_rows(session, _LOCK_TASK, _ITEMS_AND_FLAGS, {"task_id": task_id})
    if locked is None:
        work_item(session, task_id)  # raises: completed already (Conflict) or never existed (NotFound)
    if task_id not in locked.items:
        raise Conflict(f"task {task_id} is no longer open (completed by someone else)")
    return locked


def claim_due(session: Session, case_id: str, now: datetime) -> LockedTask | None:
    """The case locked for this command if it is still running with a timer due, else None.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so a case another worker holds is passed over instead of waited
    for (N workers share the due cases; the one that loses the race finds it no longer due afterwards).
    SQLite ignores the clause: its single writer lock already serialises the workers.
    """
    return _lock_rows(session, _CLAIM_DUE, _ITEMS_OF_CASE, {"case_id": case_id, "now": now})


def _lock_rows(session: Session, stmt, again, params: dict) -> LockedTask | None:
    """The case `stmt` selects, locked, as a CaseRow with its open work items as ItemRows (plain rows:
    engine/store/rows.py), in one statement on SQLite: BEGIN IMMEDIATE already holds the write lock, so
    what it reads is current. A statement without the drafts and follow-ups flags leaves them True.

    PostgreSQL locks the case row (FOR UPDATE OF cases) and then reads the work items (and the flags)
    again with `again`: rows of a joined table that is not locked come from before the wait, and whoever
    held the lock may have changed them.
    """
    conn = session.connection()
    found = conn.execute(stmt, params).mappings().all()
    if not found:
        return None
    case = rows.CaseRow(rows.split(found[0], CASES))
    if conn.dialect.name != "sqlite":  # the outer join from the locked case: at least one row
        found = conn.execute(again, {**params, "case_id": case.id}).mappings().all()
    items = [rows.ItemRow(rows.split(r, WORK_ITEMS, ITEM)) for r in found if r[ITEM + "id"] is not None]
    first = found[0]
    return LockedTask(case, {item.id: item for item in items}, bool(first.get("has_drafts", True)),
                      bool(first.get("has_follow_ups", True)))


ITEM = "item_"  # the prefix of the work items' columns in the joined rows
_ITEM_COLUMNS = tuple(c.label(ITEM + c.name) for c in WORK_ITEMS.c)
_WITH_ITEMS = select(CASES, *_ITEM_COLUMNS).outerjoin(WORK_ITEMS, WORK_ITEMS.c.case_id == CASES.c.id)
_TASK_ID = bindparam("task_id")
_FLAGS = (exists().where(drafts.c.case_id == CASES.c.id).label("has_drafts"),
          exists().where(follow_ups.c.task_id == _TASK_ID).label("has_follow_ups"))
_LOCK_TASK = (_WITH_ITEMS.add_columns(*_FLAGS)
              .where(CASES.c.id == select(WORK_ITEMS.c.case_id).where(WORK_ITEMS.c.id == _TASK_ID).scalar_subquery())
              .with_for_update(of=CASES))
_CLAIM_DUE = (_WITH_ITEMS.where(CASES.c.id == bindparam("case_id"), CASES.c.status == "running",
                                CASES.c.next_timer_at <= bindparam("now"))
              .with_for_update(of=CASES, skip_locked=True))
# PostgreSQL, after the lock: the work items (and for a completion the flags) as they are now.
_ITEMS_OF_CASE = (select(*_ITEM_COLUMNS).select_from(CASES.outerjoin(WORK_ITEMS, WORK_ITEMS.c.case_id == CASES.c.id))
                  .where(CASES.c.id == bindparam("case_id")))
_ITEMS_AND_FLAGS = _ITEMS_OF_CASE.add_columns(*_FLAGS)


def work_item(session: Session, task_id: str) -> WorkItem:
    """An open task's work item (not locked), or the error that says why there is none."""
    item = session.get(WorkItem, task_id)
    if item is not None:
        return item
    if repo.task_was_completed(session, task_id):
        raise Conflict(f"task {task_id} is no longer open (already completed)")
    if session.get(ClosedTask, task_id) is not None:
        raise Conflict(f"task {task_id} is no longer open (a timer, a message or another path of the process "
                       "closed it, or the case was cancelled)")
    raise NotFound(f"task '{task_id}' does not exist")
