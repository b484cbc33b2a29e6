"""Engine methods for group sessions (engine/sessions.py): plan, enrol, register attendance once for a
whole group, cancel, move. A mixin of Engine, like engine/integration.py: every method runs inside
Guarded.command, and an outside executor reaches only its own sessions (engine/rights/sessions.py)."""
from __future__ import annotations

from collections.abc import Sequence

from .errors import InvalidInput, NotFound
from .rights.sessions import executor_of, participant_clause, require_any, require_in, session_clause
from .rights.visibility import case_clause
from .store.tables import Case, SessionParticipant
from .views import SessionCandidate, SessionOutcome, SessionView


def _ids(values: Sequence[str] | None) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in (values or ()) if v and v.strip()))


class SessionMethods:
    def add_session(self, new, actor: str | None = None) -> SessionView:
        """Plan a session (`sessions.NewSession`); the planner needs session.plan in every gemeente it
        serves (for an outside executor: sessions of its own organisation only)."""
        from . import sessions

        self._same_actor(actor)
        new = sessions.checked(new)
        with self.command("session.plan", None) as (db, who):
            require_in(who, "session.plan", f"session '{new.title}'", new.executor, list(new.gemeenten))
            row = sessions.create(db, new, who.name, self.clock())
            db.flush()
            return sessions.view(row, 0)

    def list_sessions(self, gemeente: str | None = None, kind: str | None = None,
                      status: str | None = None) -> list[SessionView]:
        from . import sessions

        with self.command("session.view", None, write=False) as (db, who):
            return sessions.list_views(db, session_clause(who), (gemeente or "").strip() or None, kind, status)

    def show_session(self, session_id: str) -> SessionView:
        """The session with the participants the caller may see (a regional session shows a gemeente's
        coordinator only its own cases)."""
        from . import sessions

        with self.command("session.view", None, write=False) as (db, who):
            row = sessions.get(db, session_id)
            require_any(who, "session.view", f"session {session_id}", row.executor, sessions.gemeenten_of(row))
            within = participant_clause(who, "session.view", row.executor, SessionParticipant.gemeente)
            seats = sessions.seat_counts(db, [row.id]).get(row.id, 0)
            return sessions.view(row, seats, _without_bsn(who, sessions.participant_views(db, row, within)))

    def enrol_in_session(self, session_id: str, case_ids: Sequence[str],
                         actor: str | None = None) -> SessionOutcome:
        """Enrol cases; each one's process receives `sessie_gepland` with the session's data. All or
        nothing: one case that does not fit (full, wrong language or kind, not waiting) refuses them all."""
        from . import sessions

        self._same_actor(actor)
        wanted = _ids(case_ids)
        if not wanted:
            raise InvalidInput("name at least one case to enrol")
        with self.command("session.plan", None) as (db, who):
            row = sessions.get(db, session_id, lock=True)
            ctx = self._ctx(who.name)
            waits = [self._fitting(db, ctx, who, row, case_id) for case_id in wanted]
            self._check_room(db, row, len(waits))
            for wait in waits:
                sessions.enrol_one(db, ctx, row, wait)
            return SessionOutcome(row.id, tuple(wanted))

    def register_attendance(self, session_id: str, present: Sequence[str] = (), absent: Sequence[str] = (),
                            excused: Sequence[str] = (), actor: str | None = None,
                            refused: Sequence[str] = ()) -> SessionOutcome:
        """One registration for the whole group: each named participant's process receives
        `sessie_afgerond` with its outcome (aanwezig, no_show, afgemeld; at a ceremonie also geweigerd:
        came but did not sign) and the dagdelen it attended."""
        from . import sessions

        self._same_actor(actor)
        outcomes: dict[str, str] = {}
        for outcome, ids in (("aanwezig", present), ("no_show", absent), ("afgemeld", excused),
                             ("geweigerd", refused)):
            for case_id in _ids(ids):
                if case_id in outcomes:
                    raise InvalidInput(f"case {case_id} is named twice (as {outcomes[case_id]} and {outcome})")
                outcomes[case_id] = outcome
        if not outcomes:
            raise InvalidInput("name participants with --present, --absent or --excused")
        with self.command("session.attend", None) as (db, who):
            row = sessions.get(db, session_id, lock=True)
            if row.status == sessions.CANCELLED:
                raise InvalidInput(f"session {row.id} is cancelled: no attendance to register")
            if row.kind != "ceremonie" and "geweigerd" in outcomes.values():
                raise InvalidInput("--refused is for a ceremonie (came, did not sign); a workshop has "
                                   "--present, --absent and --excused")
            parts = []
            for case_id, outcome in outcomes.items():
                part = sessions.participation(db, row.id, case_id)
                if part is None or part.status not in (sessions.ENROLLED, *sessions.OUTCOMES):
                    raise InvalidInput(f"case {case_id} is not a participant of session {row.id}")
                if part.status != sessions.ENROLLED:
                    raise InvalidInput(f"case {case_id}: attendance already registered ({part.status})")
                require_in(who, "session.attend", f"session {row.id}", row.executor, [part.gemeente])
                parts.append((part, outcome))
            ctx = self._ctx(who.name)
            moved, idle = [], []
            for part, outcome in parts:
                (moved if sessions.finish(db, ctx, row, part, outcome) else idle).append(part.case_id)
            row.status, row.updated_at = sessions.HELD, self.clock()
            return SessionOutcome(row.id, tuple(moved), tuple(idle))

    def cancel_session(self, session_id: str, reason: str, actor: str | None = None) -> SessionOutcome:
        """Cancel a planned session: its participants go back to "to be planned" (their processes
        receive `sessie_afgerond` with outcome `geannuleerd` and wait for a new session)."""
        from . import sessions
        from .inputs import check_text

        self._same_actor(actor)
        reason = check_text((reason or "").strip(), "--reason", 1000)
        if not reason:
            raise InvalidInput("--reason: say why the session is cancelled")
        with self.command("session.plan", None) as (db, who):
            row = sessions.get(db, session_id, lock=True)
            require_in(who, "session.plan", f"session {row.id}", row.executor, sessions.gemeenten_of(row))
            if row.status != sessions.PLANNED:
                raise InvalidInput(f"session {row.id} is {row.status}: only a planned session can be cancelled")
            ctx = self._ctx(who.name)
            moved, idle = [], []
            for part in self._enrolled(db, row.id):
                done = sessions.finish(db, ctx, row, part, sessions.CANCELLED, reason)
                (moved if done else idle).append(part.case_id)
            row.status, row.cancel_reason, row.updated_at = sessions.CANCELLED, reason, self.clock()
            return SessionOutcome(row.id, tuple(moved), tuple(idle))

    def move_to_session(self, case_id: str, from_session: str, to_session: str,
                        actor: str | None = None) -> SessionOutcome:
        """One action: out of one session (`sessie_afgerond`, outcome `verplaatst`: the process goes back
        to waiting for a session) and into the other (`sessie_gepland`), or nothing at all."""
        from . import sessions

        self._same_actor(actor)
        if from_session == to_session:
            raise InvalidInput("the case is already in that session")
        with self.command("session.plan", None) as (db, who):
            old = sessions.get(db, from_session, lock=True)
            new = sessions.get(db, to_session, lock=True)
            part = sessions.participation(db, old.id, case_id)
            if part is None or part.status != sessions.ENROLLED:
                raise InvalidInput(f"case {case_id} is not enrolled in session {old.id}")
            require_in(who, "session.plan", f"session {old.id}", old.executor, [part.gemeente])
            ctx = self._ctx(who.name)
            sessions.finish(db, ctx, old, part, sessions.MOVED)
            wait = self._fitting(db, ctx, who, new, case_id)
            self._check_room(db, new, 1)
            sessions.enrol_one(db, ctx, new, wait)
            return SessionOutcome(new.id, (case_id,))

    def session_candidates(self, session_id: str | None = None, kind: str | None = None,
                           language: str | None = None, gemeente: str | None = None) -> list[SessionCandidate]:
        """Cases waiting to be planned; with a session: only those that fit it (kind, gemeente, language)."""
        from . import sessions

        with self.command("session.plan", None, write=False) as (db, who):
            ctx = self._ctx(who.name)
            within = case_clause(who, "session.plan")
            # An outside executor sees only the cases that take its own sessions, not the municipality's.
            orgs = {executor_of(g) for g in who.grants_with("session.plan")}
            executors = None if None in orgs else frozenset(orgs)
            if session_id is None:
                return _without_bsn(who, sessions.candidates(db, ctx, within, kind, language, gemeente, executors))
            row = sessions.get(db, session_id)
            return _without_bsn(who, sessions.candidates(db, ctx, within, row.kind, language, gemeente, executors,
                                                         session=row))

    # -- helpers -----------------------------------------------------------------------------
    def _fitting(self, db, ctx, who, row, case_id: str):
        from . import sessions

        if row.status != sessions.PLANNED:
            raise InvalidInput(f"session {row.id} is {row.status}: enrol only into a planned session")
        case = db.get(Case, case_id)
        if case is None:
            raise NotFound(f"case '{case_id}' does not exist")
        require_in(who, "session.plan", f"case {case_id} into session {row.id}", row.executor, [case.gemeente])
        part = sessions.participation(db, row.id, case_id)
        if part is not None and part.status in sessions.SEATED:
            raise InvalidInput(f"case {case_id} is already in session {row.id} ({part.status}); nothing changed")
        wait = sessions.waiting_for_session(db, ctx, case)
        why = sessions.refusal(row, case, wait)
        if why:
            raise InvalidInput(f"cannot enrol case {case_id} in session {row.id}: {why}; nothing changed")
        return wait

    def _check_room(self, db, row, adding: int) -> None:
        from . import sessions

        seated = sessions.seat_counts(db, [row.id]).get(row.id, 0)
        if seated + adding > row.capacity:
            free = max(row.capacity - seated, 0)
            raise InvalidInput(f"session {row.id} is full: {seated}/{row.capacity} enrolled, {free} place(s) free, "
                               f"{adding} asked; nothing changed")

    def _enrolled(self, db, session_id: str) -> list[SessionParticipant]:
        from sqlalchemy import select

        from . import sessions

        return list(db.scalars(select(SessionParticipant).where(SessionParticipant.session_id == session_id,
                                                                SessionParticipant.status == sessions.ENROLLED)
                               .order_by(SessionParticipant.id)))


def _without_bsn(who, views):
    """Participants or candidates as `who` may see them: an outside executor sees no BSN (as in its
    worklist), only the name."""
    if not who.is_restricted_only():
        return views
    from dataclasses import replace

    return type(views)(replace(v, bsn=None) for v in views)

