"""Monitoring figures (KPIs), each defined once: its key, its title, its exact rule, and one SQL query.

Every figure reads only the cases, work_items and events tables (never a stored workflow), filtered by the
caller's scope clause (engine/rights/visibility.py), the gemeente, optionally the variant (process id) and
the period [start, end). Figures about form data read the JSON of `task_completed` events, whose payload
is {"task_id", "data": {form fields}}: the field names are those of the shipped forms (schemas/).
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from .store.tables import Case, Event, WorkItem

NEAR_DEADLINE = timedelta(weeks=8)  # the klantmanager's first reminder (pvt_termijnbewaking)


@dataclass(frozen=True)
class Scope:
    """Which rows a figure counts: `visible` is the rights clause on Case.gemeente."""

    visible: object
    gemeente: str | None  # None: every gemeente the rights clause lets through (the dashboard)
    start: datetime
    end: datetime
    now: datetime
    process_id: str | None = None


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    rule: str
    unit: str  # count (people: small numbers are suppressed in reports) | percent | days | hours
    value: float | int | None
    breakdown: dict[str, int] = field(default_factory=dict)  # e.g. open cases per stage


@dataclass(frozen=True)
class Kpi:
    key: str
    title: str
    rule: str
    unit: str
    compute: Callable[[object, Scope], tuple] | None = None  # (session, scope) -> (value, breakdown)
    # Or a SUM over the period's events: every such figure is computed in one shared pass (one scan
    # of the events instead of one per figure).
    tally: Callable[[], object] | None = None


def _cases(scope: Scope):
    """The scope's conditions on the cases table."""
    terms = [scope.visible]
    if scope.gemeente:
        terms.append(Case.gemeente == scope.gemeente)
    if scope.process_id:
        terms.append(Case.process_id == scope.process_id)
    return and_(*terms)


def _events(scope: Scope, *conditions):
    """Events of the scope's cases within the period, with extra conditions."""
    return (select(Event).join(Case, Case.id == Event.case_id)
            .where(_cases(scope), Event.at >= scope.start, Event.at < scope.end, *conditions))


def _field(name: str):
    return Event.data["data"][name]


def _completed_with(name: str):
    return and_(Event.type == "task_completed", _field(name).as_string().is_not(None))


def _count(session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _signing():
    return and_(_completed_with("datum_ondertekening"), _field("resultaat").as_string() == "voldaan")


def _count_if(condition, value=1):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def tallies(session, scope: Scope, kpis: tuple[Kpi, ...]) -> dict[str, float]:
    """The tallied figures in one pass over the scope's events of the period."""
    if not kpis:
        return {}
    row = session.execute(_events(scope).with_only_columns(*(k.tally() for k in kpis))).one()
    return {kpi.key: value for kpi, value in zip(kpis, row, strict=True)}


def median_days_to_signing(session, scope):
    # Pairs, not workflows: one (start, signing) row per signature in the period; the median in Python
    # because SQLite has no percentile function.
    query = _events(scope, _signing()).with_only_columns(Case.created_at, Event.at)
    days = [(at - created).total_seconds() / 86400 for created, at in session.execute(query)]
    return (round(statistics.median(days), 1) if days else None), {}


def _attendance(session, scope) -> dict[str, int]:
    value = _field("aanwezig").as_string()
    query = (_events(scope, _completed_with("aanwezig")).with_only_columns(value, func.count())
             .group_by(value))
    return {str(k): n for k, n in session.execute(query)}


def no_show_rate(session, scope):
    counts = _attendance(session, scope)
    total = sum(counts.values())
    return (round(100 * counts.get("no_show", 0) / total, 1) if total else None), counts


def open_cases_per_stage(session, scope):
    stage = func.coalesce(Case.stage, "-")
    query = (select(stage, func.count()).where(_cases(scope), Case.status == "running").group_by(stage))
    breakdown = {str(k): n for k, n in session.execute(query)}
    return sum(breakdown.values()), breakdown


def overdue_tasks_per_role(session, scope):
    role = func.coalesce(WorkItem.role, "-")
    query = (select(role, func.count()).join(Case, Case.id == WorkItem.case_id)
             .where(_cases(scope), WorkItem.due_at < scope.now).group_by(role))
    breakdown = {str(k): n for k, n in session.execute(query)}
    return sum(breakdown.values()), breakdown


def near_deadline(session, scope):
    query = select(Case.id).where(_cases(scope), Case.status == "running", Case.deadline >= scope.now,
                                  Case.deadline < scope.now + NEAR_DEADLINE)
    return _count(session, query), {}


def past_deadline(session, scope):
    query = select(Case.id).where(_cases(scope), Case.status == "running", Case.deadline < scope.now)
    return _count(session, query), {}


KPIS: tuple[Kpi, ...] = (
    Kpi("cases_started", "Gestarte trajecten", "Cases started (event case_started) in the period.",
        "count", tally=lambda: _count_if(Event.type == "case_started")),
    Kpi("signed", "Ondertekend", "Signings in the period: a completed task with datum_ondertekening and "
        "resultaat 'voldaan' (form pvt-ondertekening).", "count", tally=lambda: _count_if(_signing())),
    Kpi("median_days_to_signing", "Mediaan dagen tot ondertekening", "Median of (signing event time - case "
        "start) in days, over the signings of the period.", "days", median_days_to_signing),
    Kpi("no_show_rate", "No-show per sessie (%)", "Attendance records in the period (completed task with "
        "'aanwezig'): share with aanwezig = 'no_show'; breakdown per value.", "percent", no_show_rate),
    Kpi("interpreter_hours", "Tolkuren", "Sum of tolk_uren over the attendance records of the period.",
        "hours", tally=lambda: _count_if(_completed_with("aanwezig"),
                                          func.coalesce(_field("tolk_uren").as_float(), 0))),
    Kpi("judged_verwijtbaar", "Verwijtbaar geoordeeld", "Completed tasks in the period with verwijtbaar = "
        "true (refusal or overrun judged culpable by a person).", "count",
        tally=lambda: _count_if(and_(Event.type == "task_completed", _field("verwijtbaar").as_boolean().is_(True)))),
    Kpi("duo_registered", "Geregistreerd bij DUO", "Completed tasks in the period with "
        "datum_duo_registratie (form pvt-duo-registratie).", "count",
        tally=lambda: _count_if(_completed_with("datum_duo_registratie"))),
    Kpi("open_cases_per_stage", "Lopende trajecten per fase", "Cases with status running now, per stage "
        "(not bound to the period).", "count", open_cases_per_stage),
    Kpi("overdue_tasks_per_role", "Te late taken per rol", "Open work items whose due date is before now, "
        "per role (lane).", "count", overdue_tasks_per_role),
    Kpi("near_deadline", "Bijna over de termijn", "Running cases whose legal deadline (Wi2013: 1 year, "
        "Wi2021: the inburgering term) falls within the next 8 weeks.", "count", near_deadline),
    Kpi("past_deadline", "Termijn verstreken", "Running cases whose legal deadline is before now.",
        "count", past_deadline),
)


def compute(session, scope: Scope, keys: tuple[str, ...] | None = None) -> list[Figure]:
    """Every figure (or those named) for the scope: the tallies in one pass, the others a query each."""
    wanted = [k for k in KPIS if keys is None or k.key in keys]
    tallied = tallies(session, scope, tuple(k for k in wanted if k.tally))
    figures = []
    for kpi in wanted:
        if kpi.tally:
            value = tallied[kpi.key]
            value, breakdown = (round(float(value), 2) if kpi.unit == "hours" else int(value)), {}
        else:
            value, breakdown = kpi.compute(session, scope)
        figures.append(Figure(kpi.key, kpi.title, kpi.rule, kpi.unit, value, breakdown))
    return figures
