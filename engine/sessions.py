"""Group sessions: workshop dagdelen and signing ceremonies as stored objects with many participants.

A case learns about its session by message, with the standard construct a designer draws: its process
waits at a message catch (intermediate catch event or receive task) for `sessie_gepland`, then for
`sessie_afgerond`. Enrolling delivers the first to that one case (by its id, found in message_waits: no
correlation guesswork), registering attendance or cancelling the second. The catch of `sessie_gepland`
names the kind it waits for with the spiffworkflow property `sessie_soort` (workshop | ceremonie).

Every rule is checked for every case before anything is delivered, and each command is one transaction:
a refusal (full, wrong language, wrong stage) changes nothing.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import messages, waiting
from .errors import InvalidInput, NotFound
from .store.tables import Case, GroupSession, SessionParticipant
from .views import SessionCandidate, SessionParticipantView, SessionView

KINDS = ("workshop", "ceremonie")
PLANNED, HELD, CANCELLED = "gepland", "gehouden", "geannuleerd"
ENROLLED = "ingeschreven"
OUTCOMES = ("aanwezig", "no_show", "afgemeld", "geweigerd")  # geweigerd: came to a ceremonie, did not sign
MOVED = "verplaatst"
SEATED = (ENROLLED, *OUTCOMES)  # participants that take a seat (count toward the capacity)
MESSAGE_PLANNED = "sessie_gepland"
MESSAGE_DONE = "sessie_afgerond"
ENGINE_MESSAGES = (MESSAGE_PLANNED, MESSAGE_DONE)  # sent by these commands: validate counts them as sent
KIND_PROPERTY = "sessie_soort"
# Case data a variant sets when an outside organisation runs its sessions (variant B: vluchtelingenwerk):
# the case then takes only that executor's sessions, so the municipality cannot plan it in its own.
EXECUTOR_VARIABLE = "sessies_uitvoerder"
# A catch without `sessie_soort` waits for the kind of the case's stage.
STAGE_KIND = {"workshop": "workshop", "ondertekening": "ceremonie"}
INTERPRETER_TYPES = ("professioneel", "professioneel_ter_plaatse", "telefonisch", "video", "informeel",
                     "ervaringsdeskundige")
# DMN pvt_tolk's advice values that mean an interpreter is needed.
ADVICE_NEEDS_INTERPRETER = ("professionele_tolk", "informele_tolk_of_ervaringsdeskundige")
DUTCH = ("nederlands", "nl", "dutch")
MAX_CAPACITY = 500
MAX_DAGDELEN = 20


@dataclass(frozen=True)
class NewSession:
    kind: str
    title: str
    at: datetime
    dagdelen: int
    capacity: int
    languages: tuple[str, ...]
    gemeenten: tuple[str, ...]
    interpreter_type: str | None = None
    interpreter_language: str | None = None
    interpreter_booked: bool = False
    place: str | None = None
    executor: str = "gemeente"
    official: str | None = None


def checked(new: NewSession) -> NewSession:
    """The new session's fields, or InvalidInput naming the first wrong one."""
    from .inputs import check_text
    from .rights.directory import check_gemeente_code

    if new.kind not in KINDS:
        raise InvalidInput(f"--kind: '{new.kind}' is not a session kind (expected workshop or ceremonie)")
    title = check_text((new.title or "").strip(), "--title", 200)
    if not title:
        raise InvalidInput("--title: a session needs a title")
    if new.at.tzinfo is None:
        raise InvalidInput("--at: give the time with its offset, e.g. 2026-03-02T09:30:00+01:00")
    if not 1 <= new.dagdelen <= MAX_DAGDELEN:
        raise InvalidInput(f"--dagdelen: between 1 and {MAX_DAGDELEN} (got {new.dagdelen})")
    if not 1 <= new.capacity <= MAX_CAPACITY:
        raise InvalidInput(f"--capacity: between 1 and {MAX_CAPACITY} (got {new.capacity})")
    languages = tuple(dict.fromkeys(check_text(x.strip(), "--language", 60) for x in new.languages if x.strip()))
    if not languages:
        raise InvalidInput("--language: name the language of the session (e.g. --language Nederlands)")
    gemeenten = tuple(dict.fromkeys(check_text(g.strip(), "--gemeente", 20) for g in new.gemeenten if g.strip()))
    if not gemeenten:
        raise InvalidInput("--gemeente: name the gemeente(n) the session serves (e.g. --gemeente GM0363)")
    if any("," in g for g in gemeenten):
        raise InvalidInput("--gemeente: one code per option (repeat --gemeente for a regional session)")
    for code in gemeenten:
        check_gemeente_code(code)
    interpreter = (new.interpreter_type or "").strip() or None
    if interpreter == "geen":
        interpreter = None
    if interpreter and interpreter not in INTERPRETER_TYPES:
        raise InvalidInput(f"--interpreter: '{interpreter}' is not an interpreter type (expected one of "
                           f"{', '.join(INTERPRETER_TYPES)})")
    language = (new.interpreter_language or "").strip() or None
    if language and not interpreter:
        raise InvalidInput("--interpreter-language needs --interpreter TYPE")
    if new.official and new.kind != "ceremonie":
        raise InvalidInput("--official: only a ceremonie has a signing official")
    executor = check_text((new.executor or "gemeente").strip() or "gemeente", "--executor", 100)
    return NewSession(new.kind, title, new.at, new.dagdelen, new.capacity, languages, gemeenten, interpreter,
                      check_text(language, "--interpreter-language", 60) if language else None,
                      bool(new.interpreter_booked and interpreter),
                      check_text(new.place.strip(), "--place", 200) if new.place and new.place.strip() else None,
                      executor, check_text(new.official.strip(), "--official", 200) if new.official else None)


def create(db: Session, new: NewSession, actor: str, now: datetime) -> GroupSession:
    row = GroupSession(id=str(uuid.uuid4()), kind=new.kind, title=new.title, starts_at=new.at,
                       dagdelen=new.dagdelen, place=new.place, languages=list(new.languages),
                       interpreter_type=new.interpreter_type, interpreter_language=new.interpreter_language,
                       interpreter_booked=new.interpreter_booked, capacity=new.capacity, executor=new.executor,
                       gemeenten=join_gemeenten(new.gemeenten), official=new.official, status=PLANNED,
                       created_at=now, created_by=actor, updated_at=now)
    db.add(row)
    return row


def join_gemeenten(gemeenten) -> str:
    return "," + ",".join(gemeenten) + ","


def gemeenten_of(row: GroupSession) -> list[str]:
    return [g for g in row.gemeenten.split(",") if g]


SHORT_ID = 6  # the shortest prefix taken for a session id (the list shows the first 8 characters)


def get(db: Session, session_id: str, lock: bool = False) -> GroupSession:
    """The session with this id, or with this unique id prefix (as `traject sessions list` shows it)."""
    session_id = session_id.strip()
    stmt = select(GroupSession).where(GroupSession.id == session_id)
    if lock:
        stmt = stmt.with_for_update()
    row = db.scalars(stmt).first()
    if row is None and len(session_id) >= SHORT_ID:
        matches = list(db.scalars(select(GroupSession.id).where(
            GroupSession.id.startswith(session_id, autoescape=True)).limit(2)))
        if len(matches) > 1:
            raise InvalidInput(f"session id '{session_id}' is ambiguous: give more characters")
        if matches:
            return get(db, matches[0], lock)
    if row is None:
        raise NotFound(f"session '{session_id}' does not exist")
    return row


def mask_bsn(bsn: str | None) -> str | None:
    """Lists show only the last three digits of a BSN (AVG: data minimisation)."""
    return "*" * max(len(bsn) - 3, 0) + bsn[-3:] if bsn else bsn


# -- views ---------------------------------------------------------------------------------------
def seat_counts(db: Session, session_ids) -> dict[str, int]:
    if not session_ids:
        return {}
    rows = db.execute(select(SessionParticipant.session_id, func.count())
                      .where(SessionParticipant.session_id.in_(list(session_ids)),
                             SessionParticipant.status.in_(SEATED))
                      .group_by(SessionParticipant.session_id))
    return {sid: n for sid, n in rows}


def view(row: GroupSession, enrolled: int, participants=None) -> SessionView:
    return SessionView(row.id, row.kind, row.title, row.starts_at, row.dagdelen, row.place, tuple(row.languages),
                       row.interpreter_type, row.interpreter_language, bool(row.interpreter_booked), row.capacity,
                       enrolled, row.executor, tuple(gemeenten_of(row)), row.official, row.status,
                       row.cancel_reason, participants)


def list_views(db: Session, within, gemeente: str | None, kind: str | None, status: str | None,
               limit: int = 500) -> list[SessionView]:
    stmt = select(GroupSession).where(within)
    if gemeente:
        stmt = stmt.where(GroupSession.gemeenten.contains(f",{gemeente},", autoescape=True))
    if kind:
        if kind not in KINDS:
            raise InvalidInput(f"--kind: '{kind}' is not a session kind (expected workshop or ceremonie)")
        stmt = stmt.where(GroupSession.kind == kind)
    if status:
        if status not in (PLANNED, HELD, CANCELLED):
            raise InvalidInput(f"--status: '{status}' is not a session status (gepland, gehouden, geannuleerd)")
        stmt = stmt.where(GroupSession.status == status)
    rows = list(db.scalars(stmt.order_by(GroupSession.starts_at, GroupSession.id).limit(limit)))
    counts = seat_counts(db, [r.id for r in rows])
    return [view(r, counts.get(r.id, 0)) for r in rows]


def participant_views(db: Session, row: GroupSession, within) -> tuple[SessionParticipantView, ...]:
    stmt = (select(SessionParticipant, Case.person_name, Case.bsn)
            .join(Case, Case.id == SessionParticipant.case_id)
            .where(SessionParticipant.session_id == row.id, within)
            .order_by(Case.person_name, SessionParticipant.case_id))
    return tuple(SessionParticipantView(p.case_id, p.gemeente, name, mask_bsn(bsn), p.status, p.enrolled_at,
                                        p.outcome_at) for p, name, bsn in db.execute(stmt))


# -- what a waiting case needs -------------------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    case: Case
    receiver: messages.Receiver
    kind: str | None  # None: the catch names no kind and the stage does not tell
    language: str | None
    needs_interpreter: bool
    executor: str | None = None  # the organisation whose sessions the case takes; None: any


def waiting_for_session(db: Session, ctx, case: Case) -> Waiting | None:
    """How `case` waits for `sessie_gepland`: found in SQL, then the catch's kind and the case's language
    read from its workflow. None when the case does not wait for a session."""
    from . import cases

    receivers = messages.find_receivers(db, MESSAGE_PLANNED, case.id, {})
    if not receivers or case.status != "running":
        return None
    details = waiting.wait_details(cases.load_for_reading(db, ctx, case), receivers[0].task_id)
    if details is None:
        return None
    properties, data = details
    kind = str(properties.get(KIND_PROPERTY) or "").strip() or STAGE_KIND.get(case.stage or "")
    language, needs = interpreter_need(data)
    executor = str(data.get(EXECUTOR_VARIABLE) or "").strip() or None
    return Waiting(case, receivers[0], kind, language, needs, executor)


def interpreter_need(data: dict) -> tuple[str | None, bool]:
    """(voertaal, needs an interpreter): the intake's tolk fields or the DMN pvt_tolk advice say so.
    Not `tolk_type`: that is what a planning form or an earlier session arranged (a session copies its
    interpreter into it), so reading it as a need would bind the person to that session's interpreter."""
    language = data.get("voertaal")
    language = str(language).strip() if language else None
    needs = (data.get("tolk_nodig") is True or data.get("tolk_professioneel_nodig") is True
             or data.get("tolk_advies") in ADVICE_NEEDS_INTERPRETER)
    if not language or language.casefold() in DUTCH:
        return language, False
    return language, needs


def serves_language(row: GroupSession, language: str) -> bool:
    wanted = language.casefold()
    spoken = {x.casefold() for x in row.languages}
    return wanted in spoken or (row.interpreter_language or "").casefold() == wanted


def refusal(row: GroupSession, case: Case, wait: Waiting | None) -> str | None:
    """Why `case` cannot be enrolled in `row` (capacity aside), or None."""
    if case.gemeente not in gemeenten_of(row):
        return f"session serves {', '.join(gemeenten_of(row))}, not the case's gemeente {case.gemeente}"
    if wait is None:
        return (f"the case is not waiting for a session (stage {case.stage or 'unknown'}, status {case.status}): "
                f"its process must wait at a '{MESSAGE_PLANNED}' message catch")
    if wait.kind and wait.kind != row.kind:
        return f"the case waits for a {wait.kind}, not a {row.kind} (stage {case.stage or 'unknown'})"
    if wait.executor and wait.executor != row.executor:
        return (f"the case's sessions are run by {wait.executor} (its variant sets {EXECUTOR_VARIABLE}); "
                f"this session is run by {row.executor}")
    if wait.needs_interpreter and not serves_language(row, wait.language):
        offered = ", ".join(row.languages)
        tolk = (f"; interpreter {row.interpreter_language}" if row.interpreter_language else "; no interpreter for it")
        return f"the person needs an interpreter in {wait.language}; the session is in {offered}{tolk}"
    return None


def planned_payload(row: GroupSession) -> dict:
    """What the case receives with `sessie_gepland` (all JSON: dates as ISO text)."""
    return {"sessie_id": row.id, "sessie_soort": row.kind, "sessie_titel": row.title,
            "sessie_datum": row.starts_at.isoformat(), "sessie_dagdelen": row.dagdelen,
            "sessie_plaats": row.place, "sessie_talen": list(row.languages),
            "sessie_tolk_type": row.interpreter_type or "geen", "sessie_tolk_taal": row.interpreter_language,
            "sessie_tolk_geboekt": bool(row.interpreter_booked), "sessie_uitvoerder": row.executor,
            "sessie_ondertekenaar": row.official}


def attended_dagdelen(db: Session, case_id: str, kind: str = "workshop") -> int:
    """The dagdelen of every session of `kind` the case attended: what counts toward the legal minimum."""
    total = db.scalar(select(func.coalesce(func.sum(GroupSession.dagdelen), 0))
                      .join(SessionParticipant, SessionParticipant.session_id == GroupSession.id)
                      .where(SessionParticipant.case_id == case_id, SessionParticipant.status == "aanwezig",
                             GroupSession.kind == kind))
    return int(total or 0)


def done_payload(db: Session, row: GroupSession, case_id: str, outcome: str, reason: str | None = None) -> dict:
    db.flush()
    return {"sessie_id": row.id, "sessie_soort": row.kind, "sessie_titel": row.title,
            "sessie_datum": row.starts_at.isoformat(), "sessie_uitkomst": outcome,
            "sessie_dagdelen": row.dagdelen,
            "sessie_dagdelen_aanwezig": row.dagdelen if outcome == "aanwezig" else 0,
            "sessie_dagdelen_totaal": attended_dagdelen(db, case_id),
            "sessie_ondertekenaar": row.official, "sessie_reden": reason}


def participation(db: Session, session_id: str, case_id: str) -> SessionParticipant | None:
    return db.scalars(select(SessionParticipant).where(SessionParticipant.session_id == session_id,
                                                       SessionParticipant.case_id == case_id)).first()


def finish(db: Session, ctx, row: GroupSession, part: SessionParticipant, outcome: str,
           reason: str | None = None) -> bool:
    """Record `outcome` for one participant and deliver `sessie_afgerond`; False when its case no longer
    waits for it (closed, cancelled, or its process went elsewhere): the outcome is recorded all the same."""
    part.status, part.outcome_at, part.outcome_by = outcome, ctx.clock(), ctx.actor
    receivers = messages.find_receivers(db, MESSAGE_DONE, part.case_id, {})
    if not receivers:
        return False
    payload = done_payload(db, row, part.case_id, outcome, reason)
    messages.deliver_to(db, ctx, receivers[0], MESSAGE_DONE, payload, {})
    return True


def withdraw_ended_case(db: Session, case_id: str, actor: str, now: datetime) -> int:
    """An ended (cancelled or erased) case gives up its seats in sessions still planned: it will not come,
    and the place is someone else's. Held sessions keep their outcomes. Returns how many seats were freed."""
    planned = select(GroupSession.id).where(GroupSession.status == PLANNED)
    seats = list(db.scalars(select(SessionParticipant).where(SessionParticipant.case_id == case_id,
                                                             SessionParticipant.status == ENROLLED,
                                                             SessionParticipant.session_id.in_(planned))))
    for seat in seats:
        seat.status, seat.outcome_at, seat.outcome_by = CANCELLED, now, actor
    return len(seats)


def enrol_one(db: Session, ctx, row: GroupSession, wait: Waiting) -> None:
    existing = participation(db, row.id, wait.case.id)
    now = ctx.clock()
    if existing is None:
        db.add(SessionParticipant(session_id=row.id, case_id=wait.case.id, gemeente=wait.case.gemeente,
                                  status=ENROLLED, enrolled_at=now, enrolled_by=ctx.actor))
    else:  # back in a session it was moved out of: the same row, enrolled again
        existing.status, existing.enrolled_at, existing.enrolled_by = ENROLLED, now, ctx.actor
        existing.outcome_at = existing.outcome_by = None
    messages.deliver_to(db, ctx, wait.receiver, MESSAGE_PLANNED, planned_payload(row), {})


def candidates(db: Session, ctx, within, kind: str | None, language: str | None, gemeente: str | None,
               executors: frozenset[str] | None = None, session: GroupSession | None = None,
               limit: int = 300) -> list[SessionCandidate]:
    """Cases in scope that wait for a session, with their kind and language: found in SQL
    (message_waits), then each one's workflow read once for the catch's kind and the intake data.
    `executors`: only cases that take those organisations' sessions (an outside executor's list); the
    executor is case data, so this one filter follows the read, like kind and language. `session`: only
    the cases `enrol` would take into it (the rules of `refusal`, capacity aside)."""
    from .store.tables import MessageWait

    # IN, not DISTINCT over a join: PostgreSQL has no equality for the cases' JSON columns.
    waiting_ids = select(MessageWait.case_id).where(MessageWait.message == MESSAGE_PLANNED)
    stmt = (select(Case).where(Case.id.in_(waiting_ids), Case.status == "running", within)
            .order_by(Case.created_at, Case.id).limit(limit))
    if gemeente:
        stmt = stmt.where(Case.gemeente == gemeente)
    found = []
    for case in db.scalars(stmt):
        wait = waiting_for_session(db, ctx, case)
        if wait is None or (kind and wait.kind and wait.kind != kind):
            continue
        if language and (wait.language or "").casefold() != language.casefold():
            continue
        if executors is not None and wait.executor not in executors:
            continue
        if session is not None and refusal(session, case, wait):
            continue
        found.append(SessionCandidate(case.id, case.gemeente, case.process_id, case.person_name,
                                      mask_bsn(case.bsn), wait.kind, wait.language, wait.needs_interpreter,
                                      wait.executor))
    return found
