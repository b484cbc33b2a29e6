"""The access log: append-only and hash-chained, so a removed or edited entry shows (verify_access_log)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..store.tables import AccessEntry

GENESIS = "0" * 64
_PG_CHAIN_LOCK = 7_312_001  # advisory lock id: one appender at a time keeps the chain a line


def append(session: Session, *, at: datetime, type: str, actor: str, action: str, resource: str,
           outcome: str, case_id: str | None = None, message: str | None = None, via: str | None = None) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
    prev = session.scalar(select(AccessEntry.hash).order_by(AccessEntry.id.desc()).limit(1)) or GENESIS
    entry = AccessEntry(at=at, type=type, actor=actor[:200], via=via, action=action, resource=resource[:400],
                        case_id=case_id, outcome=outcome, message=(message or None) and message[:1000],
                        prev_hash=prev)
    entry.hash = entry_hash(entry)
    session.add(entry)


def entry_hash(entry: AccessEntry) -> str:
    at = entry.at.isoformat() if entry.at.tzinfo else entry.at.isoformat() + "+00:00"
    body = json.dumps([entry.prev_hash, at.replace("+00:00", "Z"), entry.type, entry.actor, entry.via, entry.action,
                       entry.resource, entry.case_id, entry.outcome, entry.message], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def verify(session: Session) -> list[str]:
    """Findings: entries whose hash or link does not match (an edit, a removal, an insertion)."""
    findings, prev = [], GENESIS
    for entry in session.scalars(select(AccessEntry).order_by(AccessEntry.id)):
        if entry.prev_hash != prev:
            findings.append(f"access log entry {entry.id}: does not follow the entry before it (removed or inserted)")
        if entry_hash(entry) != entry.hash:
            findings.append(f"access log entry {entry.id}: its content was changed")
        prev = entry.hash
    return findings


def entries(session: Session, limit: int, actor: str | None = None, case_id: str | None = None,
            type: str | None = None, gemeenten: frozenset[str] | None = None) -> list[AccessEntry]:
    """The newest entries first. `gemeenten`: a reader scoped to these gemeenten sees only the entries
    about their cases (None: every entry)."""
    stmt = select(AccessEntry).order_by(AccessEntry.id.desc()).limit(limit)
    if gemeenten is not None:
        from ..store.tables import Case

        stmt = stmt.where(AccessEntry.case_id.in_(select(Case.id).where(Case.gemeente.in_(sorted(gemeenten)))))
    if actor:
        stmt = stmt.where(AccessEntry.actor == actor)
    if case_id:
        stmt = stmt.where(AccessEntry.case_id == case_id)
    if type:
        stmt = stmt.where(AccessEntry.type == type)
    return list(session.scalars(stmt))
