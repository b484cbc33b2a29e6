"""Rights on group sessions: a grant reaches a session through the gemeenten it serves, and an outside
executor's grant (`uitvoerder:ORG`) only the sessions whose executor is ORG: an executor plans and
registers its own sessions, never the municipality's or another organisation's.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, true

from ..store.tables import GroupSession
from .policy import EXECUTOR_PREFIX
from .principal import Grant, Principal, Resource

MUNICIPALITY = "gemeente"  # the executor of a session the municipality runs itself


def executor_of(grant: Grant) -> str | None:
    """The organisation of an outside-executor grant; None for a municipal grant."""
    return grant.role[len(EXECUTOR_PREFIX):] if grant.role.startswith(EXECUTOR_PREFIX) else None


def _reaching(who: Principal, ability: str, executor: str) -> list[Grant]:
    return [g for g in who.grants_with(ability) if executor_of(g) in (None, executor)]


def may_in(who: Principal, ability: str, executor: str, gemeente: str) -> bool:
    return any(g.covers(gemeente) for g in _reaching(who, ability, executor))


def require_in(who: Principal, ability: str, label: str, executor: str, gemeenten: list[str]) -> None:
    """`ability` on a session of `executor` in every one of `gemeenten` (all a regional session serves)."""
    for gemeente in gemeenten:
        if not may_in(who, ability, executor, gemeente):
            own = {executor_of(g) for g in who.grants_with(ability)} - {None}
            why = (f" (an outside executor works only on its own sessions; this one is run by {executor})"
                   if own and executor not in own else None)
            raise who.refusal(ability, Resource(f"{label} ({gemeente})", gemeente), why)


def require_any(who: Principal, ability: str, label: str, executor: str, gemeenten: list[str]) -> None:
    """`ability` in at least one gemeente the session serves (viewing a regional session)."""
    if not any(may_in(who, ability, executor, g) for g in gemeenten):
        raise who.refusal(ability, Resource(label))


def session_clause(who: Principal, ability: str = "session.view"):
    """Sessions in the scope of `ability`, in SQL: a LIKE per gemeente on the served-gemeenten column."""
    parts = []
    for grant in who.grants_with(ability):
        org = executor_of(grant)
        reach = true() if grant.gemeenten is None else (
            or_(*(GroupSession.gemeenten.contains(f",{g},", autoescape=True) for g in sorted(grant.gemeenten)))
            if grant.gemeenten else false())
        parts.append(reach if org is None else and_(GroupSession.executor == org, reach))
    return or_(*parts) if parts else false()


def participant_clause(who: Principal, ability: str, executor: str, column):
    """Participants (rows with a gemeente `column`) of a session of `executor` that `who` may see."""
    found: set[str] = set()
    for grant in _reaching(who, ability, executor):
        if grant.gemeenten is None:
            return true()
        found |= grant.gemeenten
    return column.in_(sorted(found)) if found else false()
