"""Case and work-item rows as plain objects, read and written with SQLAlchemy Core: the path of a case
start, a task completion and a timer, the commands run most (issue 14, point 3).

The case and its open work items are read with one SELECT (engine/case_locks.py) into `CaseRow` and
`ItemRow`, whose attributes carry the same names as the ORM classes (engine/store/tables.py), so
everything between reading and writing (the engine run, the state digest, the work-item sync, the row
hash) is code shared with the commands that keep the ORM. What changed is then written with one UPDATE
per changed row. The case row's UPDATE checks and raises its lock version, as the ORM's version_id_col
does, so a concurrent write is a Conflict, never lost. The statements are built once (below): that, more
than leaving the ORM's unit of work, is what made the writes cheap.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy.engine import Connection

from ..errors import Conflict
from . import schema

CASES: Table = schema.cases
WORK_ITEMS: Table = schema.work_items
EVENTS: Table = schema.events
CLOSED: Table = schema.closed_tasks


class Row:
    """One row of `table` as attributes; `changes()` names what differs from what was read."""

    table: Table

    def __init__(self, values: Mapping, read: bool = True):
        self.__dict__.update(values)
        self._read = dict(values) if read else None  # None: a new row, to be inserted

    @classmethod
    def new(cls, **values) -> Row:
        return cls({c.name: None for c in cls.table.c} | values, read=False)

    @property
    def is_new(self) -> bool:
        return self._read is None

    def changes(self) -> dict:
        """Of a row that was read (a new one is inserted whole: `values`)."""
        return {c.name: getattr(self, c.name) for c in self.table.c if self._read[c.name] != getattr(self, c.name)}

    def values(self) -> dict:
        return {c.name: getattr(self, c.name) for c in self.table.c}

    def key(self):
        """The primary key as read (a work item's id changes when its row is reused for the next task)."""
        return self._read["id"]

    def written(self) -> None:
        self._read = self.values()


class CaseRow(Row):
    table = CASES

    def __init__(self, values: Mapping, read: bool = True):
        super().__init__(values, read)
        self.pending_events: list[dict] = []  # the command's events, inserted by `write` (repo.append_event_row)

    def read_version(self) -> int:
        return self._read["lock_version"]


class ItemRow(Row):
    table = WORK_ITEMS


def split(row: Mapping, table: Table, prefix: str = "") -> dict:
    """The columns of `table` out of a result row that labelled them `prefix` + name."""
    return {c.name: row[prefix + c.name] for c in table.c}


# Statements are built once and executed with parameters: SQLAlchemy then finds the compiled form by a
# cache key it keeps on the statement object. Built per call (`update(t).values(changes)`), finding that
# key meant walking the new statement every time, ten times what SQLite took to run it.
INSERT_EVENT = insert(EVENTS)
INSERT_CASE = insert(CASES)
INSERT_ITEM = insert(WORK_ITEMS)
DELETE_ITEMS = delete(WORK_ITEMS).where(WORK_ITEMS.c.id.in_(bindparam("ids", expanding=True)))
INSERT_CLOSED = insert(CLOSED)
_updates: dict[tuple[str, tuple[str, ...]], object] = {}


def _update(table: Table, names: tuple[str, ...]):
    """UPDATE `table` SET `names` WHERE id = :key_id (and, for a case, lock_version = :key_version)."""
    stmt = _updates.get((table.name, names))
    if stmt is None:
        where = [table.c.id == bindparam("key_id")]
        if table is CASES:
            where.append(table.c.lock_version == bindparam("key_version"))
        stmt = update(table).where(*where).values({name: bindparam("new_" + name) for name in names})
        _updates[(table.name, names)] = stmt
    return stmt


def _set(conn: Connection, table: Table, changes: dict, **keys):
    names = tuple(sorted(changes))
    return conn.execute(_update(table, names), {**{"new_" + n: changes[n] for n in names}, **keys})


def insert_events(conn: Connection, events: list[dict]) -> None:
    """A command's events in one statement (an executemany when there are two: a completion that ends
    the case, or one that raised an incident)."""
    if events:
        conn.execute(INSERT_EVENT, events)
        events.clear()


def write(conn: Connection, case: CaseRow, read_items: Mapping[str, ItemRow], items: list[ItemRow],
          completed: str | None = None) -> None:
    """A command's events, its case row, then its work items (they refer to the case). `completed`: the
    task this command completed (its event says so); any other task that left is recorded as closed."""
    insert_events(conn, case.pending_events)
    write_case(conn, case)
    write_items(conn, read_items, items, closed_at=case.updated_at, completed=completed)


def write_case(conn: Connection, case: CaseRow) -> None:
    """The case row's changes, with its lock version raised: refused when someone else wrote it first.
    A new case is inserted, at version 1."""
    if case.is_new:
        case.lock_version = 1
        conn.execute(INSERT_CASE, case.values())
        case.written()
        return
    changes = case.changes()
    read_version = case.read_version()
    changes["lock_version"] = read_version + 1
    result = _set(conn, CASES, changes, key_id=case.key(), key_version=read_version)
    if result.rowcount != 1:
        raise Conflict("the case was changed by someone else at the same time; nothing was saved")
    case.lock_version = read_version + 1
    case.written()


def write_items(conn: Connection, read: Mapping[str, ItemRow], items: list[ItemRow], closed_at=None,
                completed: str | None = None) -> None:
    """Make the stored work items of a case `items`: `read` is what was read under the lock. With
    `closed_at`, the tasks that left other than `completed` go to closed_tasks."""
    kept = {id(item) for item in items}
    gone = [item for item in read.values() if id(item) not in kept]
    if gone:
        conn.execute(DELETE_ITEMS, {"ids": [item.key() for item in gone]})
    # Left the worklist: a deleted row's task, and the task of a row reused for the next one (its id changed).
    left = [item for item in read.values() if id(item) not in kept or item.id != item.key()]
    closed = [{"task_id": item.key(), "case_id": item.case_id, "closed_at": closed_at}
              for item in left if item.key() != completed]
    if closed_at is not None and closed:
        conn.execute(INSERT_CLOSED, closed)
    new = [item.values() for item in items if item.is_new]
    if new:  # a parallel split's new tasks in one statement
        conn.execute(INSERT_ITEM, new)
    for item in items:
        if not item.is_new and (changes := item.changes()):
            _set(conn, WORK_ITEMS, changes, key_id=item.key())
        item.written()
