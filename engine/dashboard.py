"""The terminal app's dashboard: the state figures of the user's scope and the two lists behind them.

A mixin of Engine (engine/service.py). The figures are the dashboard set of engine/kpis.py (open cases
per stage, overdue tasks per role, near and past the legal deadline), over every gemeente the user may
see figures of (`report.view`), or one of them. The lists (overdue tasks, cases nearest their deadline)
name people, so they are filled only for a user who may also open the dossiers (`case.view`) and only
with the cases of gemeenten where both hold; a `beleid` user sees the figures alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from . import kpis
from .rights import Resource
from .rights.visibility import case_clause
from .store.tables import Case, WorkItem

FIGURES = ("open_cases_per_stage", "overdue_tasks_per_role", "near_deadline", "past_deadline")
LIST_MAX = 50  # rows per list: the most urgent first; the figures above count them all


@dataclass(frozen=True)
class OverdueTask:
    task_id: str
    case_id: str
    gemeente: str
    title: str
    role: str | None
    due: datetime
    person_name: str | None
    assignee: str | None


@dataclass(frozen=True)
class DeadlineCase:
    case_id: str
    gemeente: str
    stage: str | None
    deadline: datetime
    person_name: str | None


@dataclass(frozen=True)
class Dashboard:
    gemeente: str | None
    now: datetime
    figures: list[kpis.Figure]
    overdue: list[OverdueTask]
    near_deadline: list[DeadlineCase]
    lists_shown: bool  # False: the user sees figures only (no case.view)

    def figure(self, key: str) -> kpis.Figure:
        return next(f for f in self.figures if f.key == key)


class DashboardMethods:
    def dashboard(self, gemeente: str | None = None) -> Dashboard:
        """The dashboard of `gemeente`, or of every gemeente in the user's scope when None."""
        label = f"the figures of {gemeente}" if gemeente else "the figures"
        with self.command("report.view", Resource(label, gemeente), write=False) as (session, who):
            now = self.clock()
            scope = kpis.scope_for(who, gemeente, now, now, now)
            figures = kpis.compute(session, scope, FIGURES)
            lists_shown = who.may("case.view")
            overdue, near = ([], [])
            if lists_shown:
                overdue = _overdue(session, who, gemeente, now)
                near = _near_deadline(session, who, gemeente, now)
            return Dashboard(gemeente, now, figures, overdue, near, lists_shown)


def _people(who, column):
    """Rows of gemeenten where the user may see the figures and open the dossiers."""
    return and_(case_clause(who, "report.view", column), case_clause(who, "case.view", column))


def _overdue(session, who, gemeente, now) -> list[OverdueTask]:
    """Open tasks past their due date, the longest overdue first (the worklist's red rows)."""
    terms = [_people(who, WorkItem.gemeente), WorkItem.due_at < now]  # work items carry their gemeente
    if gemeente:
        terms.append(WorkItem.gemeente == gemeente)
    query = (select(WorkItem.id, WorkItem.case_id, WorkItem.gemeente, WorkItem.title, WorkItem.role,
                    WorkItem.due_at, WorkItem.person_name, WorkItem.assignee)
             .where(*terms).order_by(WorkItem.due_at, WorkItem.id).limit(LIST_MAX))
    return [OverdueTask(*row) for row in session.execute(query)]


def _near_deadline(session, who, gemeente, now) -> list[DeadlineCase]:
    """Running cases whose legal deadline is past or within NEAR_DEADLINE, the earliest first."""
    terms = [_people(who, Case.gemeente), Case.status == "running", Case.deadline < now + kpis.NEAR_DEADLINE]
    if gemeente:
        terms.append(Case.gemeente == gemeente)
    query = (select(Case.id, Case.gemeente, Case.stage, Case.deadline, Case.person_name)
             .where(*terms).order_by(Case.deadline, Case.id).limit(LIST_MAX))
    return [DeadlineCase(*row) for row in session.execute(query)]
