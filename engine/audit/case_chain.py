"""An index chain of case ids, so a case deleted as a whole (its row and all its events) is found.

Each case started since migration 0004 names the case started before it (`cases.previous_case`,
covered by the row hash); the installation row 'last_case' names the newest, with an HMAC so it
cannot be moved back without the key. Deleting a case leaves its successor (or that head) naming an
id that no longer exists anywhere: `audit verify --all` reports it as a missing case, by id.
"""
from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from ..store.tables import Case, Event, Installation
from .views import Finding

HEAD = "last_case"


def link(session: Session, case: Case, key: bytes | None, now) -> None:
    """Put `case` at the head of the chain (call under the write lock: SQLite's BEGIN IMMEDIATE, or
    the FOR UPDATE below on PostgreSQL, so two starts never name the same predecessor)."""
    if key is None:
        return
    row = session.scalars(select(Installation).where(Installation.name == HEAD).with_for_update()).first()
    case.previous_case = json.loads(row.value)["case"] if row is not None else None
    value = json.dumps({"case": case.id, "mac": _mac(key, case.id)})
    if row is None:
        session.add(Installation(name=HEAD, value=value, created_at=now))
    else:
        row.value = value


def findings(session: Session, key: bytes | None) -> list[Finding]:
    """A Finding per case id the chain names but nothing in the database holds any more."""
    if key is None:
        return []
    known = set(session.scalars(union(select(Case.id), select(Event.case_id))))
    named: dict[str, str] = {}  # missing id -> who names it
    for case_id, previous in session.execute(select(Case.id, Case.previous_case).where(
            Case.previous_case.is_not(None))):
        if previous not in known:
            named[previous] = f"case {case_id} names it as the case started before it"
    head = session.get(Installation, HEAD)
    if head is not None:
        try:
            value = json.loads(head.value)
            newest, mac = value["case"], value["mac"]
        except (ValueError, KeyError, TypeError):
            newest, mac = None, None
        if newest is None or not hmac.compare_digest(str(mac), _mac(key, str(newest))):
            return [*_listed(named), Finding(str(newest), None, "missing_case",
                                             "the installation's record of its newest case was altered")]
        if newest not in known:
            named[newest] = "it was the newest case started in this installation"
    return _listed(named)


def _listed(named: dict[str, str]) -> list[Finding]:
    return [Finding(case_id, None, "missing_case", f"the whole case was deleted: {why}")
            for case_id, why in sorted(named.items())]


def _mac(key: bytes, case_id: str) -> str:
    return hmac.new(key, f"{HEAD}:{case_id}".encode(), hashlib.sha256).hexdigest()
