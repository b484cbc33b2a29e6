"""Monitoring figures (KPIs), each defined once: its key, its title, its exact rule, and one SQL query.

Every figure reads only the cases, work_items and events tables (never a stored workflow), filtered by the
caller's scope clause (engine/rights/visibility.py), the gemeente, optionally the variant (process id) and
the period [start, end). Figures about form data read the JSON of `task_completed` events, whose payload
is {"task_id", "data": {form fields}}: the field names are those of the shipped forms (schemas/). Figures
about what scripts and decision tables set (the PVT obligation, DUO on time) read the case row's `facts`,
copied from the workflow data at every step (engine/cases.py, FACTS).
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, type_coerce

from .store.tables import Case, Event, WorkItem

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
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
    # The same rights clause on WorkItem.gemeente: work-item figures then need no join with cases (a work
    # item carries its case's gemeente), and the worklist index covers them. None: join with cases.
    visible_items: object = None


def scope_for(who, gemeente, start, end, now, process_id=None, ability: str = "report.view") -> Scope:
    """The Scope of `who`'s grants with `ability`, the rights clause on cases and on work items."""
    from .rights.visibility import case_clause

    return Scope(case_clause(who, ability), gemeente, start, end, now, process_id,
                 case_clause(who, ability, column=WorkItem.gemeente))


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
    # Or read off the running cases' state, per stage {stage: CaseState}: one query (served by the
    # index ix_cases_monitor alone) for every such figure.
    state: Callable[[dict], tuple] | None = None


@dataclass(frozen=True)
class CaseState:
    running: int
    near_deadline: int
    past_deadline: int


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
    # One JSON path (json_extract(data, '$."data"."name"'), PostgreSQL #>>) instead of data['data'][name],
    # which SQLite compiles to an extract, a re-quote and a second extract per row: a report's event
    # figures took twice as long.
    return Event.data[("data", name)]


def _completed_with(name: str):
    return and_(Event.type == "task_completed", _field(name).as_string().is_not(None))


def _count(session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _session_outcome(kind: str | None = None):
    """A group session's outcome delivered to the case (message sessie_afgerond, engine/sessions.py)."""
    terms = [Event.type == "message_received", _field("sessie_uitkomst").as_string().is_not(None)]
    if kind:
        terms.append(_field("sessie_soort").as_string() == kind)
    return and_(*terms)


def _signing():
    """A signature: a signing form completed as voldaan, or present at a group ceremony (where signing is
    what the attendance registers; one who came and did not sign is `geweigerd`)."""
    by_form = and_(_completed_with("datum_ondertekening"), _field("resultaat").as_string() == "voldaan")
    at_ceremony = and_(_session_outcome("ceremonie"), _field("sessie_uitkomst").as_string() == "aanwezig")
    return or_(by_form, at_ceremony)


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
    """Attendance records per value: completed tasks with `aanwezig`, and group-session outcomes
    (`sessie_uitkomst`: aanwezig, no_show, afgemeld, geweigerd)."""
    by_task = _field("aanwezig").as_string()
    by_session = _field("sessie_uitkomst").as_string()
    value = case((Event.type == "task_completed", by_task), else_=by_session)
    query = (_events(scope, or_(_completed_with("aanwezig"), and_(_session_outcome(), by_session != "geannuleerd")))
             .with_only_columns(value, func.count()).group_by(value))
    return {str(k): n for k, n in session.execute(query)}


def no_show_rate(session, scope):
    counts = _attendance(session, scope)
    total = sum(counts.values())
    return (round(100 * counts.get("no_show", 0) / total, 1) if total else None), counts


def case_state(session, scope) -> dict[str, CaseState]:
    """The running cases per stage, with how many are near and past their legal deadline: one grouped
    query over the index (gemeente, status, stage, deadline, process_id), never the wide case rows."""
    stage = func.coalesce(Case.stage, "-")
    near = and_(Case.deadline >= scope.now, Case.deadline < scope.now + NEAR_DEADLINE)
    query = (select(stage, func.count(), _count_if(near), _count_if(Case.deadline < scope.now))
             .where(_cases(scope), Case.status == "running").group_by(stage))
    return {str(k): CaseState(int(n), int(a), int(b)) for k, n, a, b in session.execute(query)}


def open_cases_per_stage(state):
    breakdown = {k: v.running for k, v in state.items()}
    return sum(breakdown.values()), breakdown


def near_deadline(state):
    return sum(v.near_deadline for v in state.values()), {}


def past_deadline(state):
    return sum(v.past_deadline for v in state.values()), {}


def _fact(name: str):
    return Case.facts[name]


def _dutch_day(moment: datetime) -> str:
    """The Dutch calendar day of `moment` (the period's bounds are Dutch midnights), as ISO text."""
    return moment.astimezone(AMSTERDAM).date().isoformat()


def pvt_plichtig(session, scope):
    doelgroep = func.coalesce(_fact("doelgroep").as_string(), "-")
    query = (select(doelgroep, func.count())
             .where(_cases(scope), Case.created_at >= scope.start, Case.created_at < scope.end,
                    _fact("pvt_plichtig").as_boolean().is_(True))
             .group_by(doelgroep))
    breakdown = {str(k): n for k, n in session.execute(query)}
    return sum(breakdown.values()), breakdown


def duo_on_time(session, scope):
    registered = _fact("datum_duo_registratie").as_string()
    on_time = _fact("duo_binnen_termijn").as_boolean()
    query = (select(_count_if(on_time.is_(True)), _count_if(on_time.is_(False)))
             .where(_cases(scope), registered >= _dutch_day(scope.start), registered < _dutch_day(scope.end)))
    yes, no = (int(n) for n in session.execute(query).one())
    total = yes + no
    return (round(100 * yes / total, 1) if total else None), {"op_tijd": yes, "te_laat": no}


INVITE_WITHIN = timedelta(weeks=4)


def _invitation():
    """An invitation: a completed task recording datum_uitnodiging (the invitation forms), or the
    enrolment in a group session (the `sessie_gepland` message delivered to the case)."""
    return or_(_completed_with("datum_uitnodiging"),
               and_(Event.type == "message_received", Event.data["message"].as_string() == "sessie_gepland"))


def invited_within_4_weeks(session, scope):
    started = and_(_cases(scope), Case.created_at >= scope.start, Case.created_at < scope.end)
    first = (select(Event.case_id, type_coerce(func.min(Event.at), Event.at.type).label("at"))
             .where(_invitation(), Event.case_id.in_(select(Case.id).where(started)))
             .group_by(Event.case_id).subquery())
    query = select(Case.created_at, first.c.at).outerjoin(first, first.c.case_id == Case.id).where(started)
    on_time = late = waiting = 0
    for created, invited in session.execute(query):
        if invited is not None and invited - created <= INVITE_WITHIN:
            on_time += 1
        elif invited is not None or scope.now - created > INVITE_WITHIN:
            late += 1  # invited after four weeks, or four weeks gone by without an invitation
        else:
            waiting += 1  # not invited yet, and still within the four weeks: not counted
    total = on_time + late
    return ((round(100 * on_time / total, 1) if total else None),
            {"op_tijd": on_time, "te_laat": late, "nog_binnen_termijn": waiting})


def overdue_tasks_per_role(session, scope):
    role = func.coalesce(WorkItem.role, "-")
    if scope.visible_items is not None:  # the work item's own gemeente: the worklist index covers it
        terms = [scope.visible_items, WorkItem.due_at < scope.now]
        if scope.gemeente:
            terms.append(WorkItem.gemeente == scope.gemeente)
        if scope.process_id:
            terms.append(WorkItem.process_id == scope.process_id)
        query = select(role, func.count()).where(*terms).group_by(role)
    else:
        query = (select(role, func.count()).join(Case, Case.id == WorkItem.case_id)
                 .where(_cases(scope), WorkItem.due_at < scope.now).group_by(role))
    breakdown = {str(k): n for k, n in session.execute(query)}
    return sum(breakdown.values()), breakdown


KPIS: tuple[Kpi, ...] = (
    Kpi("cases_started", "Gestarte trajecten", "Cases started (event case_started) in the period.",
        "count", tally=lambda: _count_if(Event.type == "case_started")),
    Kpi("invited_within_4_weeks", "Uitgenodigd binnen 4 weken (%)", "Cases started in the period: share "
        "whose first invitation came at most 4 weeks after the start. An invitation is a completed task "
        "recording datum_uitnodiging, or the enrolment in a group session (message sessie_gepland). A case "
        "not invited 4 weeks after its start counts as late; one still within its 4 weeks is not counted. "
        "Breakdown op_tijd / te_laat / nog_binnen_termijn.", "percent", invited_within_4_weeks),
    Kpi("signed", "Ondertekend", "Signings in the period: a completed task with datum_ondertekening and "
        "resultaat 'voldaan' (form pvt-ondertekening), or present at a group ceremony (sessions attendance).",
        "count", tally=lambda: _count_if(_signing())),
    Kpi("median_days_to_signing", "Mediaan dagen tot ondertekening", "Median of (signing event time - case "
        "start) in days, over the signings of the period.", "days", median_days_to_signing),
    Kpi("no_show_rate", "No-show per sessie (%)", "Attendance records in the period (completed task with "
        "'aanwezig', or a group session's outcome, a cancelled session left out): share no_show; breakdown "
        "per value.", "percent", no_show_rate),
    Kpi("interpreter_hours", "Tolkuren", "Sum of tolk_uren over the attendance records of the period.",
        "hours", tally=lambda: _count_if(_completed_with("aanwezig"),
                                          func.coalesce(_field("tolk_uren").as_float(), 0))),
    Kpi("judged_verwijtbaar", "Verwijtbaar geoordeeld", "Completed tasks in the period with verwijtbaar = "
        "true (refusal or overrun judged culpable by a person).", "count",
        tally=lambda: _count_if(and_(Event.type == "task_completed", _field("verwijtbaar").as_boolean().is_(True)))),
    Kpi("duo_registered", "Geregistreerd bij DUO", "Completed tasks in the period with "
        "datum_duo_registratie (form pvt-duo-registratie).", "count",
        tally=lambda: _count_if(_completed_with("datum_duo_registratie"))),
    Kpi("pvt_plichtig", "PVT-plichtig", "Cases started in the period whose intake found the PVT obligation: "
        "case data pvt_plichtig = true (set by the pvt_plicht decision table, or by hand after a refused "
        "exemption), per doelgroep; a case still before that decision, or exempted, is not counted.",
        "count", pvt_plichtig),
    Kpi("duo_on_time", "DUO-registratie binnen 10 werkdagen (%)", "Cases whose DUO registration date "
        "(case data datum_duo_registratie, a Dutch day) falls in the period: share with duo_binnen_termijn "
        "= true, which the process sets when that date is at most 10 working days after the signing "
        "(Dutch holidays excluded); breakdown op_tijd / te_laat. Cases without duo_binnen_termijn are "
        "not counted.", "percent", duo_on_time),
    Kpi("open_cases_per_stage", "Lopende trajecten per fase", "Cases with status running now, per stage "
        "(not bound to the period).", "count", state=open_cases_per_stage),
    Kpi("overdue_tasks_per_role", "Te late taken per rol", "Open work items whose due date is before now, "
        "per role (lane).", "count", overdue_tasks_per_role),
    Kpi("near_deadline", "Bijna over de termijn", "Running cases whose legal deadline (Wi2013: 1 year, "
        "Wi2021: the inburgering term) falls within the next 8 weeks.", "count", state=near_deadline),
    Kpi("past_deadline", "Termijn verstreken", "Running cases whose legal deadline is before now.",
        "count", state=past_deadline),
)


def compute(session, scope: Scope, keys: tuple[str, ...] | None = None) -> list[Figure]:
    """Every figure (or those named) for the scope: the tallies in one pass over the events, the state
    figures in one query over the cases, the others a query each."""
    wanted = [k for k in KPIS if keys is None or k.key in keys]
    tallied = tallies(session, scope, tuple(k for k in wanted if k.tally))
    state = case_state(session, scope) if any(k.state for k in wanted) else {}
    figures = []
    for kpi in wanted:
        if kpi.tally:
            value = tallied[kpi.key]
            value, breakdown = (round(float(value), 2) if kpi.unit == "hours" else int(value)), {}
        elif kpi.state:
            value, breakdown = kpi.state(state)
        else:
            value, breakdown = kpi.compute(session, scope)
        figures.append(Figure(kpi.key, kpi.title, kpi.rule, kpi.unit, value, breakdown))
    return figures
