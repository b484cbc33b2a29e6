"""Incidents are operable: list the cases in error, retry the failed step, or cancel a case.

A mixin of Engine (engine/service.py), like AdminMethods. Retry re-runs the engine steps of the stored
workflow on its current data and its own process version (never a newer deployment): a failed timer or
script step runs again; after a failed completion the task is open again for the caseworker. It is a
command event for the replay (`incident_resolved`, or `retry_failed` followed by a new
`incident_raised`), so `audit verify` re-runs it the same way. Cancel ends the case (status
`cancelled`), removes its open tasks and waits, and records `case_cancelled` with the reason.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from . import sessions
from .errors import InvalidInput, NotFound, ScriptError
from .rights import case_resource
from .store import repo
from .store.tables import Case, MessageWait, ServiceItem, WorkItem
from .views import CaseSummary

MAX_REASON = 500


class IncidentMethods:
    def retry_case(self, case_id: str) -> CaseSummary:
        """Re-run the failed step. Raises ScriptError (exit 1) when it fails again; that failure is
        recorded as the case's new incident."""
        from . import cases

        with self.command("case.retry", case_resource(case_id)) as (session, who):
            case = self._case_in_error(session, who, "case.retry", case_id)
            ctx = self._ctx(who.name)
            workflow = cases.load_for_reading(session, ctx, case)
            incident = cases.retry(session, ctx, case, workflow, case.incident or {})
            summary = self._summary(session, case)
        if incident:
            raise ScriptError(f"case {case_id}: the retry failed again: {incident.message.strip()}"
                              + (f" (at {incident.task})" if incident.task else ""))
        return summary

    def cancel_case(self, case_id: str, reason: str) -> CaseSummary:
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON or "\n" in reason:
            raise InvalidInput(f"--reason: give one line of at most {MAX_REASON} characters saying why")
        with self.command("case.cancel", case_resource(case_id)) as (session, who):
            case = repo.case_for_update(session, case_id) if session.get(Case, case_id) else None
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            who.require("case.cancel", case_resource(case_id, case.gemeente))
            if case.status not in ("running", "error"):
                raise InvalidInput(f"case {case_id} is {case.status}: only a running case or one in error "
                                   "can be cancelled")
            _cancel(session, case, self.clock(), who.name, reason)
            return self._summary(session, case)

    def _case_in_error(self, session, who, ability: str, case_id: str) -> Case:
        if session.get(Case, case_id) is None:
            raise NotFound(f"case '{case_id}' does not exist")
        case = repo.case_for_update(session, case_id)
        who.require(ability, case_resource(case_id, case.gemeente))
        if case.status != "error":
            raise InvalidInput(f"case {case_id} has no incident (it is {case.status})")
        return case


def _cancel(session, case: Case, now, actor: str, reason: str) -> None:
    previous = case.status
    last = repo.last_event(session, case.id)
    case.status, case.next_timer_at, case.incident, case.updated_at = "cancelled", None, None, now
    open_tasks = list(session.scalars(select(WorkItem.id).where(WorkItem.case_id == case.id)))
    for table in (WorkItem, MessageWait, ServiceItem):  # nothing of it is open any more
        session.execute(delete(table).where(table.case_id == case.id))
    repo.close_tasks(session, case.id, open_tasks, now)  # `complete` on one of them: no longer open
    sessions.withdraw_ended_case(session, case.id, actor, now)
    session.flush()
    # Information for the replay, like incident_raised: the workflow did not change, so its digest
    # is that of the last event.
    repo.append_event(session, case_id=case.id, type="case_cancelled", at=now, actor=actor,
                      definition_id=case.definition_id, data={"reason": reason, "status": previous},
                      state_digest=last.state_digest if last else None)
