"""Small queries and writes the service needs, kept out of the use-case code."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from .. import changes
from ..audit import chain, rowhash
from ..errors import ClockBehind, NotFound
from . import rows
from .tables import Case, ClosedTask, DefinitionVersion, Event, Installation, WorkItem

AUDIT_KEY = "audit_key"


def latest_definition(session: Session, process_id: str) -> DefinitionVersion | None:
    return session.scalars(
        select(DefinitionVersion).where(DefinitionVersion.process_id == process_id)
        .order_by(DefinitionVersion.version.desc()).limit(1)
    ).first()


def definition(session: Session, definition_id: int) -> DefinitionVersion:
    row = session.get(DefinitionVersion, definition_id)
    if row is None:
        raise NotFound(f"definition version {definition_id} does not exist")
    return row


def definition_column(session: Session, definition_id: int, column: str):
    """One large JSON column of a deployed version ("sources" or "specs") in one plain read: a cache
    miss of a command needs that, not the row (whose ORM load reads a deferred column in a second one)."""
    value = session.connection().execute(_DEFINITION_COLUMN[column], {"id": definition_id}).scalar()
    if value is None:
        raise NotFound(f"definition version {definition_id} does not exist")
    return value


_DEFINITION_COLUMN = {name: select(getattr(DefinitionVersion, name)).where(DefinitionVersion.id == bindparam("id"))
                      for name in ("sources", "specs")}


def case_for_update(session: Session, case_id: str) -> Case:
    """The case row, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite holds the write lock)."""
    stmt = select(Case).where(Case.id == case_id).with_for_update().execution_options(populate_existing=True)
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"case '{case_id}' does not exist")
    return row


def last_event(session: Session, case_id: str) -> Event | None:
    return session.scalars(
        select(Event).where(Event.case_id == case_id).order_by(Event.seq.desc()).limit(1)
    ).first()


def append_event(session: Session, *, case_id: str, type: str, at, actor: str | None, task: str | None = None,
                 task_id: str | None = None, definition_id: int | None, data: dict | None,
                 state_digest: str | None = None, items=None) -> Event:
    """Append the case's next event and anchor it on the case row. `items`: the case's work items as this
    command leaves them (the caller just wrote them), for the row hash; else they are read back."""
    case = _case_in_session(session, case_id)
    key = audit_key(session)
    values = _next_event(session, case, case_id, key, type=type, at=at, actor=actor, task=task, task_id=task_id,
                         definition_id=definition_id, data=data, state_digest=state_digest)
    event = Event(**values)
    session.add(event)
    _anchor(session, case, case_id, values, key, items)
    session.flush()
    return event


def append_event_row(session: Session, case: rows.CaseRow, *, type: str, at, actor: str | None,
                     task: str | None = None, task_id: str | None = None, data: dict | None,
                     state_digest: str | None, items: list) -> None:
    """append_event for a case read as a CaseRow (a start, a completion, a timer: engine/store/rows.py): the
    event waits on the row with the command's other events (a completion that ends the case has two), and
    `rows.write` inserts them in one statement before the row itself, whose anchor is set here."""
    key = audit_key(session)
    values = _next_event(session, case, case.id, key, type=type, at=at, actor=actor, task=task, task_id=task_id,
                         definition_id=case.definition_id, data=data, state_digest=state_digest)
    case.pending_events.append(values)
    _anchor(session, case, case.id, values, key, items)


def _next_event(session: Session, case, case_id: str, key: bytes | None, *, type: str, at, actor: str | None,
                task: str | None, task_id: str | None, definition_id: int | None, data: dict | None,
                state_digest: str | None) -> dict:
    """The columns of the case's next event: its seq and its link in the hash chain (keyed with `key`)."""
    previous_seq, previous_at, previous_hash = _previous_event(session, case_id, case)
    if previous_at is not None and at < previous_at:
        # Every event goes through here, so this one check keeps every history in time order.
        raise ClockBehind(f"the clock ({at.isoformat()}) is before case {case_id}'s last event "
                          f"({previous_at.isoformat()}): a case's history cannot go back in time")
    seq = previous_seq + 1
    digest = chain.payload_hash(data)
    return dict(
        case_id=case_id, seq=seq, type=type, task=task, task_id=task_id, actor=actor, at=at,
        definition_id=definition_id, data=data, payload_hash=digest, state_digest=state_digest,
        prev_hash=previous_hash, hash_version=chain.KEYED if key else None,
        hash=chain.event_hash(prev_hash=previous_hash, case_id=case_id, seq=seq, type=type, task=task,
                              actor=actor, at=at, definition_id=definition_id, payload_digest=digest,
                              state_digest=state_digest, key=key),
    )


def _case_in_session(session: Session, case_id: str) -> Case | None:
    """The case row this command holds: just started (pending), or locked and so in the identity map."""
    case = next((o for o in session.new if isinstance(o, Case) and o.id == case_id), None)
    if case is None:
        with session.no_autoflush:  # the case row is written once, with its new anchor, at the flush
            case = session.get(Case, case_id)
    return case


def _previous_event(session: Session, case_id: str, case: Case | None) -> tuple[int, object, str]:
    """(seq, at, hash) of the case's newest event, from the case row (migration 0008); the events table
    only for a row that does not carry them (written outside the engine, e.g. the bench's SQL copies)."""
    if case is not None and case.last_event_seq is not None:
        return case.last_event_seq, case.last_event_at, case.last_event_hash or chain.GENESIS
    with session.no_autoflush:
        previous = last_event(session, case_id)
    if previous is None:
        return 0, None, chain.GENESIS
    return previous.seq, previous.at, previous.hash

def audit_key(session: Session) -> bytes | None:
    """The installation's key for the event chain and row hashes (made by migration 0005). It never
    changes once made, so it is read once per Database (session.info, engine/store/db.py)."""
    cache = session.info.get("traject_immutable")
    if cache is not None and AUDIT_KEY in cache:
        return cache[AUDIT_KEY]
    value = session.connection().execute(_AUDIT_KEY).scalar()  # one read per Database (cached below)
    key = bytes.fromhex(value) if value is not None else None
    if cache is not None and key is not None:
        cache[AUDIT_KEY] = key
    return key


_AUDIT_KEY = select(Installation.value).where(Installation.name == AUDIT_KEY)


def _anchor(session: Session, case, case_id: str, event: dict, key: bytes | None, items) -> None:
    """Keep the newest event's hash (and seq and time) on the case row. Deleting a case's last events
    leaves a chain that is valid on its own; only this anchor shows it was longer (engine.audit.chain_check).

    Every command that changes a case or its work items appends an event after the change, so the row
    hash written here covers the state the command leaves (engine.audit.rowhash)."""
    if case is None:
        return
    if key is not None and items is None:
        session.flush()  # the caller's work-item changes, so the read below sees them (before the anchor
        items = session.scalars(select(WorkItem).where(WorkItem.case_id == case_id)).all()  # is set: one UPDATE)
    case.last_event_hash, case.last_event_seq, case.last_event_at = event["hash"], event["seq"], event["at"]
    if key is not None:
        case.row_hash = rowhash.row_hash(key, case, items)
    changes.publish(session, case_id, case.gemeente)  # open apps refresh at commit (engine/changes.py)


def close_tasks(session: Session, case_id: str, task_ids: list[str], now) -> None:
    """Record tasks that left the worklist without a completion (schema.closed_tasks), written at the
    command's flush with the rest; a CaseRow command writes its own (rows.write_items)."""
    session.add_all(ClosedTask(task_id=t, case_id=case_id, closed_at=now) for t in task_ids)


def task_was_completed(session: Session, task_id: str) -> bool:
    count = session.scalar(
        select(func.count()).select_from(Event).where(Event.task_id == task_id, Event.type == "task_completed")
    )
    return bool(count)
