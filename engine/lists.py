"""The worklist and the case list: read in SQLAlchemy Core, filtered by the rights in SQL.

The Engine has these methods (the terminal app, the worker), and so has `Reader`, the lean object that
`traject tasks` and `traject cases` build instead of the whole Engine: they start without importing the
ORM, SpiffWorkflow or the case commands (issue 14, read start-up). Both go through `Guarded.command`,
the one door: the acting user is resolved and the ability checked before anything is read.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from . import worklist
from .errors import NotFound
from .guard import Guarded
from .list_views import CaseSummary, WorkItem
from .rights import Resource
from .rights.visibility import case_clause, task_clause
from .store.schema import cases, definition_versions
from .worklist import TaskFilter

# What a case list shows: the summary columns, never the wide workflow text.
_CASE_LIST = (select(cases.c.id, cases.c.process_id, cases.c.gemeente, cases.c.status, cases.c.stage,
                     cases.c.person_name, cases.c.bsn, cases.c.next_timer_at, cases.c.created_at,
                     cases.c.updated_at, cases.c.deadline, definition_versions.c.version)
              .outerjoin(definition_versions, definition_versions.c.id == cases.c.definition_id))


class ListMethods:
    """Mixin of Engine and Reader (needs Guarded)."""

    def list_tasks(self, task_filter: TaskFilter | None = None, **kwargs) -> list[WorkItem]:
        task_filter = task_filter or TaskFilter(**kwargs)
        with self.command("task.list", write=False, core=True) as (conn, who):
            _check_task_filter(conn, who, task_filter)
            outside = who.is_restricted_only()  # an outside executor sees no BSN, nor finds tasks by one
            items = worklist.query(conn, task_filter, visible=task_clause(who, "task.list"), by_bsn=not outside)
            if outside:
                items = [item.without_bsn() for item in items]
            return items

    def list_cases(self, gemeente: str | None = None, status: str | None = None, limit: int = 200,
                   search: str | None = None, gemeenten: Sequence[str] | None = None) -> list[CaseSummary]:
        """Cases newest first, in any state (running, waiting on a timer, completed, error), in the
        caller's scope. `search`: part of the person's name, the whole BSN, or the start of the case id;
        `gemeenten`: narrow to these. Filtered in SQL."""
        with self.command("case.list", write=False, core=True) as (conn, who):
            if gemeente:
                who.require("case.list", Resource(f"cases of {gemeente}", gemeente))
            stmt = _CASE_LIST.where(case_clause(who, "case.list")).order_by(cases.c.created_at.desc()).limit(limit)
            if gemeente:
                stmt = stmt.where(cases.c.gemeente == gemeente)
            if gemeenten is not None:
                stmt = stmt.where(cases.c.gemeente.in_(gemeenten))
            if status:
                stmt = stmt.where(cases.c.status == status)
            if search and search.strip():
                stmt = stmt.where(worklist.search_clause(search.strip(), cases.c.person_name, cases.c.bsn,
                                                         cases.c.id))
            return [case_summary(row, row.version) for row in conn.execute(stmt)]


def case_summary(case, version: int | None) -> CaseSummary:
    """A case's summary from its row: a Core result row or an ORM Case."""
    return CaseSummary(
        id=case.id, process_id=case.process_id, definition_version=version, gemeente=case.gemeente,
        status=case.status, stage=case.stage, person_name=case.person_name, bsn=case.bsn,
        next_timer_at=case.next_timer_at, created_at=case.created_at, updated_at=case.updated_at,
        deadline=case.deadline,
    )


def _check_task_filter(conn, who, f: TaskFilter) -> None:
    """An explicit filter outside the user's scope is refused, not answered with an empty list."""
    if f.gemeente:
        who.require("task.list", Resource(f"tasks of {f.gemeente}", f.gemeente))
    if f.role:
        who.require("task.list", Resource(f"tasks of lane {f.role}", f.gemeente, lane=f.role, is_task=True))
    if f.case_id:  # the gemeente only: the whole row carries the workflow text
        gemeente = conn.execute(select(cases.c.gemeente).where(cases.c.id == f.case_id)).scalar()
        if gemeente is None:
            raise NotFound(f"case '{f.case_id}' does not exist")
        if not who.may("task.list", Resource("", gemeente)):
            raise who.refusal("task.list", Resource(f"tasks of case {f.case_id} ({gemeente})"))


class Reader(ListMethods, Guarded):
    """What `traject tasks` and `traject cases` need: identity, rights and the two lists."""

    def __init__(self, settings, db, clock):
        self.settings = settings
        self.db = db
        self.clock = clock


def build_reader(settings) -> Reader:
    from .clock import clock_of
    from .store.db import Database

    return Reader(settings, Database(settings.db_url), clock_of(settings))
