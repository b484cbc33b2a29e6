"""Loading case histories for the audit: cases and their events in batches, definitions once per run.

Verification reads every event of every case, so it avoids the ORM (rows, not objects: about 3x faster
to load) and N+1 queries: per batch of cases one query for the case rows and one for all their events.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Text, select, type_coerce, union
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from ..errors import NotFound
from ..store import schema
from ..store.tables import DefinitionVersion
from .rowhash import CASE_FIELDS, ITEM_FIELDS

BATCH = 500  # cases per query: well under SQLite's bound-parameter limit, and a few MB of events


class Unreadable(str):
    """A stored value the database gave back but that does not parse (text written over a JSON or
    time column on SQLite): the audit reports it as an altered event instead of failing on it."""


class _LenientJSON(TypeDecorator):
    impl = Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        if not isinstance(value, str):
            return value  # PostgreSQL's driver parses JSON itself (and refuses to store anything else)
        try:
            return json.loads(value)
        except ValueError:
            return Unreadable(value)


class _LenientTime(TypeDecorator):
    impl = Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return None


_events = schema.events
_cases = schema.cases
EVENT_COLUMNS = [_events.c[name] for name in (
    "case_id", "seq", "type", "task", "task_id", "actor", "definition_id", "payload_hash", "state_digest",
    "prev_hash", "hash", "hash_version")] + [type_coerce(_events.c.at, _LenientTime()).label("at"),
                             type_coerce(_events.c.data, _LenientJSON()).label("data")]
_items = schema.work_items


def _lenient(column):
    """Times and JSON read leniently (text written over them is a finding, not a crash)."""
    if column.name in ("next_timer_at", "deadline", "due_at", "created_at"):
        return type_coerce(column, _LenientTime()).label(column.name)
    if column.name == "incident":
        return type_coerce(column, _LenientJSON()).label(column.name)
    return column


CASE_COLUMNS = [_lenient(_cases.c[name]) for name in dict.fromkeys((
    "id", "process_id", "gemeente", "definition_id", "status", "last_event_hash", "row_hash", "person_name", "bsn",
    *CASE_FIELDS))]
ITEM_COLUMNS = [_lenient(_items.c[name]) for name in ("case_id", *ITEM_FIELDS)]


@dataclass
class CaseHistory:
    case_id: str
    case: object | None  # the case row (CASE_COLUMNS, plus `workflow`, `snapshot_seq` when asked), None if missing
    events: list = field(default_factory=list)  # event rows ordered by seq
    items: list = field(default_factory=list)  # its work_items rows (loaded for verification only)


def case_ids(session: Session, gemeente: str | None = None, within: frozenset[str] | None = None) -> list[str]:
    """Every case id, including ids that only events still name (a deleted case row is a finding).
    `within`: only cases of these gemeenten (an auditor's scope; ids without a case row are then left out)."""
    if gemeente or within is not None:
        stmt = select(_cases.c.id).order_by(_cases.c.id)
        if gemeente:
            stmt = stmt.where(_cases.c.gemeente == gemeente)
        if within is not None:
            stmt = stmt.where(_cases.c.gemeente.in_(sorted(within)))
        return list(session.scalars(stmt))
    ids = union(select(_cases.c.id.label("id")), select(_events.c.case_id.label("id"))).subquery()
    return list(session.scalars(select(ids.c.id).order_by(ids.c.id)))


def load(session: Session, ids: Sequence[str], with_workflow: bool = False,
         since: datetime | None = None) -> list[CaseHistory]:
    """The histories of `ids` (one batch), in the order given."""
    columns = CASE_COLUMNS + ([_cases.c.workflow, _cases.c.snapshot_seq] if with_workflow else [])
    rows = {r.id: r for r in session.execute(select(*columns).where(_cases.c.id.in_(ids)))}
    histories = {case_id: CaseHistory(case_id, rows.get(case_id)) for case_id in ids}
    stmt = select(*EVENT_COLUMNS).where(_events.c.case_id.in_(ids))
    if since is not None:
        stmt = stmt.where(_events.c.at >= since)
    for event in session.execute(stmt.order_by(_events.c.case_id, _events.c.seq)):
        histories[event.case_id].events.append(event)
    if with_workflow:  # verification: the work items the row hash covers
        for item in session.execute(select(*ITEM_COLUMNS).where(_items.c.case_id.in_(ids))):
            histories[item.case_id].items.append(item)
    return [histories[case_id] for case_id in ids]


def batches(ids: Sequence[str], size: int = BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def consistent_reads(session: Session) -> None:
    """Read a batch's case rows and events in one snapshot. PostgreSQL's default (read committed) takes
    a snapshot per statement, so a command committing in between would look like a broken anchor;
    SQLite's read transaction is one snapshot already."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


@dataclass(frozen=True)
class Definition:
    id: int
    process_id: str
    version: int
    spec: object
    subprocess_specs: dict
    altered: str | None = None  # why its stored files no longer match its content hash, if they do not

    @property
    def label(self) -> str:
        return f"{self.process_id}:{self.version}"


class Definitions:
    """Definition versions with their restored specs, each loaded and restored once per run."""

    def __init__(self, spec_cache):
        self._specs = spec_cache  # the engine's SpecCache: restored specs outlive this run
        self._loaded: dict[int, Definition] = {}
        self._labels: dict[int, dict] = {}

    def get(self, session: Session, definition_id: int) -> Definition:
        found = self._loaded.get(definition_id)
        if found is None:
            row = session.get(DefinitionVersion, definition_id)
            if row is None:
                raise NotFound(f"definition version {definition_id} does not exist")
            found = self._remember(row)
        return found

    def find(self, session: Session, process_id: str, version: int) -> Definition:
        row = session.scalars(select(DefinitionVersion).where(
            DefinitionVersion.process_id == process_id, DefinitionVersion.version == version)).first()
        if row is None:
            raise NotFound(f"process '{process_id}' has no deployed version {version}")
        return self._loaded.get(row.id) or self._remember(row)

    def labels(self, definition: Definition) -> dict[str, tuple[str, str | None]]:
        """{element id: (title, lane)} of a definition."""
        from .. import instances

        if definition.id not in self._labels:
            self._labels[definition.id] = instances.element_labels(definition.spec, definition.subprocess_specs)
        return self._labels[definition.id]

    def _remember(self, row: DefinitionVersion) -> Definition:
        spec, subs = self._specs.get(row.id, lambda: row.specs)
        found = Definition(row.id, row.process_id, row.version, spec, subs, _altered(row))
        self._loaded[row.id] = found
        return found


def _altered(row: DefinitionVersion) -> str | None:
    """The stored files (BPMN, DMN, form schemas) must still hash to the version's content hash: an
    edited form schema changes what every later completion of its cases is validated against."""
    from ..bundle import content_hash

    sources = row.sources
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        return "its stored files cannot be read"
    if content_hash((name, text.encode("utf-8")) for name, text in sources.items()) != row.content_hash:
        return "its stored files (BPMN, DMN or form schemas) differ from what was deployed"
    return _specs_altered(row)


def _specs_altered(row: DefinitionVersion) -> str | None:
    """The stored specs (what cases run) must be what the stored files parse to: an edited script in
    the specs that no case has reached yet would otherwise run unnoticed (tamper sweep, issue 13 (a))."""
    from ..definitions import comparable_specs, reparsed_specs

    try:
        fresh = reparsed_specs(row.sources, row.process_id)
    except Exception as err:  # noqa: BLE001 - sources that no longer parse are a finding, not a crash
        return f"its stored files no longer parse ({type(err).__name__})"
    if fresh == comparable_specs(row.specs):
        return None
    return "its stored specs (what cases run) differ from what its stored files parse to"
