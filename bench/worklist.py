"""Worklist: the first page (50 rows, by due date) for one role in one gemeente, at N open cases.

Timed through Engine.list_tasks (session, SQL, ORM rows, views), and the same SQL statement on a
bare sqlite3 connection, to tell the database's share from the ORM's. A "what-if" pass adds an index
that matches the ORDER BY exactly (bench database only) to show what that fix would give.
"""
from __future__ import annotations

import sqlite3
import time

from .common import stats_ms
from .population import BENCH_USER, GEMEENTE, ROLE

# Matches worklist.query's ORDER BY (due_at IS NULL, due_at, created_at, id) after the equality columns,
# so SQLite reads the first 50 index entries instead of sorting every matching row.
WHAT_IF_INDEX = ("CREATE INDEX bench_whatif_worklist ON work_items "
                 "(gemeente, role, (due_at IS NULL), due_at, created_at, id)")


def measure(db_url: str, db_path, reps: int, what_if: bool = True) -> dict:
    from sqlalchemy import event

    from engine.service import build_engine
    from engine.settings import Settings
    from engine.worklist import TaskFilter

    # As the caseworker with one role in one gemeente: the rights clause is part of every query.
    engine = build_engine(Settings(db_url=db_url, user=BENCH_USER))
    task_filter = TaskFilter(role=ROLE, gemeente=GEMEENTE, limit=50)
    # What the TUI's team view asks (tui/screens/worklist.py): no filter, the user's grants scope it.
    team_filter = TaskFilter(limit=61)
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM work_items" in statement:
            captured.append((statement, parameters))

    first_start = time.perf_counter()
    event.listen(engine.db.sa_engine, "before_cursor_execute", capture)
    rows = engine.list_tasks(task_filter)
    event.remove(engine.db.sa_engine, "before_cursor_execute", capture)
    first_ms = (time.perf_counter() - first_start) * 1000
    assert len(rows) == 50, f"expected a full first page, got {len(rows)}"
    assert all(r.role == ROLE and r.gemeente == GEMEENTE for r in rows)
    statement, params = captured[-1]
    try:
        result = {"role": ROLE, "gemeente": GEMEENTE, "matching_rows": _count(db_path),
                  "first_call_ms": round(first_ms, 2),
                  "engine": _time(lambda: engine.list_tasks(task_filter), reps),
                  "team_view": _time(lambda: engine.list_tasks(team_filter), reps)}
        with sqlite3.connect(db_path) as con:
            result["sql_only"] = _time(lambda: con.execute(statement, params).fetchall(), reps)
            result["plan"] = _plan(con, statement, params)
        if what_if:
            result["what_if_index"] = _what_if(engine, db_path, task_filter, team_filter, statement, params, reps)
    finally:
        engine.db.dispose()
    return result


def _time(fn, reps: int) -> dict:
    for _ in range(min(10, reps)):  # warm the page cache and SQLAlchemy's statement cache
        fn()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return stats_ms(samples)


def _count(db_path) -> int:
    with sqlite3.connect(db_path) as con:
        return con.execute("SELECT count(*) FROM work_items WHERE role = ? AND gemeente = ?",
                           (ROLE, GEMEENTE)).fetchone()[0]


def _plan(con, statement: str, params) -> list[str]:
    return [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + statement, params)]


def _what_if(engine, db_path, task_filter, team_filter, statement, params, reps: int) -> dict:
    """The same measurements with WHAT_IF_INDEX present; the index is dropped again afterwards."""
    with sqlite3.connect(db_path) as con:
        start = time.perf_counter()
        con.execute(WHAT_IF_INDEX)
        con.commit()
        build_s = time.perf_counter() - start
    engine.db.sa_engine.dispose()  # new connections see the new schema
    try:
        out = {"index": WHAT_IF_INDEX, "build_s": round(build_s, 2),
               "engine": _time(lambda: engine.list_tasks(task_filter), reps),
               "team_view": _time(lambda: engine.list_tasks(team_filter), reps)}
        with sqlite3.connect(db_path) as con:
            out["plan"] = _plan(con, statement, params)
    finally:
        engine.db.sa_engine.dispose()
        with sqlite3.connect(db_path) as con:
            con.execute("DROP INDEX bench_whatif_worklist")
            con.commit()
    return out
