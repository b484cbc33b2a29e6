"""The database tables (SQLAlchemy 2 declarative). Changes go through an Alembic migration."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; the engine works in aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON}


class DefinitionVersion(Base):
    """One deployed version of one process: its files, parsed specs and start form, keyed by content hash."""

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("process_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(400))
    content_hash: Mapped[str] = mapped_column(String(64))
    startable: Mapped[bool]
    # Both large (tens of KB) and immutable: deferred, so a case command reads them only on a cache miss.
    sources: Mapped[dict] = mapped_column(deferred=True)  # {file name: text} of every BPMN, DMN, form file
    specs: Mapped[dict] = mapped_column(deferred=True)  # serialized spec and subprocess specs
    start_form: Mapped[str | None] = mapped_column(String(400))
    start_ui_form: Mapped[str | None] = mapped_column(String(400))
    start_message: Mapped[str | None] = mapped_column(String(200), index=True)  # message start event's name
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(200))


class Case(Base):
    """One person's traject: the running workflow (without its spec) and what lists need to know."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_timer", "status", "next_timer_at"),
        # The dashboard's state figures (open per stage, near and past the deadline) from the index alone:
        # the case rows are wide (the workflow text), and reading them made the figures 10x slower.
        Index("ix_cases_monitor", "gemeente", "status", "stage", "deadline", "process_id"),
        # The figures read off the facts (PVT-plichtig, DUO on time) without the row: SQLite keeps the wide
        # workflow text inline, before `facts`, so reading facts walks its overflow pages (0.5 s at 100,000
        # cases). PostgreSQL keeps it out of line (TOAST), and its JSON type has no btree operator class.
        Index("ix_cases_facts", "gemeente", "created_at", "process_id", "facts").ddl_if(dialect="sqlite"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    gemeente: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20))  # running | completed | error | cancelled
    stage: Mapped[str | None] = mapped_column(String(40))
    person_name: Mapped[str | None] = mapped_column(String(200))
    bsn: Mapped[str | None] = mapped_column(String(20), index=True)
    workflow: Mapped[str] = mapped_column(Text)  # serialized BpmnWorkflow without spec (JSON text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    next_timer_at: Mapped[datetime | None]
    deadline: Mapped[datetime | None]
    incident: Mapped[dict | None]
    # The case data the monitoring figures count that no event carries (engine/kpis.py, FACTS in
    # engine/cases.py): copied from the workflow data at every step, like `deadline`. Derived from the
    # workflow (which the audit replay checks), so not in the row hash; NULL before migration 0008.
    facts: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    # Hash of the case's newest event: deleting the last events leaves a valid shorter chain otherwise.
    last_event_hash: Mapped[str | None] = mapped_column(String(64))
    # The newest event's seq and time (0008): the next event follows them without selecting the last event.
    last_event_seq: Mapped[int | None]
    last_event_at: Mapped[datetime | None]
    # The stored workflow is the state after this event; the task completions and timers after it are
    # re-applied on load (engine/snapshots.py). NULL: it includes every event (0012).
    snapshot_seq: Mapped[int | None]
    # HMAC over this row's columns and its work items (engine.audit.rowhash); NULL before migration 0004.
    row_hash: Mapped[str | None] = mapped_column(String(64))
    # The case started before this one in this installation (engine.audit.case_chain); NULL before 0004.
    previous_case: Mapped[str | None] = mapped_column(String(36))

    __mapper_args__ = {"version_id_col": lock_version}


class WorkItem(Base):
    """One ready human task. Worklists read only this table."""

    __tablename__ = "work_items"
    __table_args__ = (
        # The worklist's order (due date, open-ended last, then age) from an index, not a sort of every
        # matching row: p95 at 100,000 open cases 59 ms -> 5 ms (bench/worklist.py).
        Index("ix_work_items_queue", "gemeente", "role", text("(due_at IS NULL)"), "due_at", "created_at", "id"),
        Index("ix_work_items_mine", "assignee", text("(due_at IS NULL)"), "due_at", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task id
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    gemeente: Mapped[str] = mapped_column(String(20))
    task: Mapped[str] = mapped_column(String(200))  # BPMN element id
    title: Mapped[str] = mapped_column(String(400))
    role: Mapped[str | None] = mapped_column(String(100))
    form: Mapped[str | None] = mapped_column(String(400))
    ui_form: Mapped[str | None] = mapped_column(String(400))
    stage: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime | None]
    assignee: Mapped[str | None] = mapped_column(String(200))
    person_name: Mapped[str | None] = mapped_column(String(200))
    bsn: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]


class MessageWait(Base):
    """A task of a running case waiting for a message; one row per correlation value (key NULL when
    the message has none), so `traject message` finds its receivers in SQL."""

    __tablename__ = "message_waits"
    __table_args__ = (Index("ix_message_waits_match", "message", "corr_key", "corr_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(200))
    corr_key: Mapped[str | None] = mapped_column(String(200))
    corr_value: Mapped[str | None] = mapped_column(String(400))
    broadcast: Mapped[bool] = mapped_column(default=False)


class ServiceItem(Base):
    """An external task (a service task with a topic) waiting for an outside worker."""

    __tablename__ = "service_items"
    __table_args__ = (Index("ix_service_items_queue", "topic", "locked_until", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task id
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    gemeente: Mapped[str] = mapped_column(String(20))
    element: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    input: Mapped[dict | None]
    worker: Mapped[str | None] = mapped_column(String(200))
    locked_until: Mapped[datetime | None]
    retries: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Event(Base):
    """Append-only history, hash-chained per case."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(60))
    task: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime]
    definition_id: Mapped[int | None]
    data: Mapped[dict | None]
    payload_hash: Mapped[str] = mapped_column(String(64))
    state_digest: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    hash_version: Mapped[int | None]  # None: unkeyed SHA-256 (before migration 0004); 2: HMAC, audit key


class Installation(Base):
    """Values of this installation, such as the key that makes export pseudonyms (engine.audit.pseudonym)."""

    __tablename__ = "installation"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class User(Base):
    """A person (or service account) in the user directory; what they may do is in their grants."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime]


class UserGrant(Base):
    """One (role, scope) of a user: scope_kind gemeente (a CBS code), region (a region name) or all ("*")."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("user_name", "role", "scope_kind", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(100))
    scope_kind: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class Region(Base):
    """A named set of gemeenten (a regional service), used as the scope of grants."""

    __tablename__ = "regions"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime]


class RegionMember(Base):
    __tablename__ = "region_gemeenten"

    region: Mapped[str] = mapped_column(ForeignKey("regions.name", ondelete="CASCADE"), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(20), primary_key=True)


class AccessEntry(Base):
    """Append-only, hash-chained log of who processed what (VNG Logboek dataverwerkingen, BIO): refusals
    (access_denied), reads of a person's data (dossier_viewed, task_viewed) and administrative commands,
    each with its outcome. Never the data itself."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(40))  # access_denied | dossier_viewed | task_viewed | admin_command
    actor: Mapped[str] = mapped_column(String(200))
    via: Mapped[str | None] = mapped_column(String(200))  # the PostgreSQL login that impersonated the actor
    action: Mapped[str] = mapped_column(String(60))
    resource: Mapped[str] = mapped_column(String(400))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # ok | denied | failed
    message: Mapped[str | None] = mapped_column(String(1000))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Draft(Base):
    """A half-filled task form, per task and user, so input survives leaving the form or the app.

    Not case data: never in events, exports or the hash chain; deleted when the task completes.
    """

    __tablename__ = "drafts"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    data: Mapped[dict]
    updated_at: Mapped[datetime]


class FollowUp(Base):
    """"Wachten tot": a claimed task stays out of its assignee's "mine" list until this time."""

    __tablename__ = "follow_ups"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    until: Mapped[datetime]


class SavedFilter(Base):
    """A worklist filter saved under a name, per user (engine/saved_filters.py). Not case data."""

    __tablename__ = "saved_filters"

    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    view: Mapped[str] = mapped_column(String(10))
    stage: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str | None] = mapped_column(String(100))
    search: Mapped[str | None] = mapped_column(String(200))
    saved_at: Mapped[datetime]


class GroupSession(Base):
    """A planned group meeting (a workshop dagdeel or a signing ceremony) with many participants; a stored
    object of its own, not a BPMN instance. Cases learn about it by message (engine/sessions.py)."""

    __tablename__ = "group_sessions"
    __table_args__ = (Index("ix_group_sessions_at", "starts_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # workshop | ceremonie
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    dagdelen: Mapped[int]
    place: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[dict] = mapped_column(JSON)  # list of language names
    interpreter_type: Mapped[str | None] = mapped_column(String(40))
    interpreter_language: Mapped[str | None] = mapped_column(String(60))
    interpreter_booked: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int]
    executor: Mapped[str] = mapped_column(String(100))  # "gemeente" or an outside organisation (uitvoerder:ORG)
    # The gemeenten it serves as ",GM0001,GM0002,": one column, so a LIKE filters lists and PostgreSQL's
    # row security checks the row on its own (a separate table could not be checked on INSERT).
    gemeenten: Mapped[str] = mapped_column(String(2000))
    official: Mapped[str | None] = mapped_column(String(200))  # the signing official of a ceremony (a name)
    status: Mapped[str] = mapped_column(String(20))  # gepland | gehouden | geannuleerd
    cancel_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class SessionParticipant(Base):
    """One case in one session, with its outcome. A case moved or cancelled out keeps its row (history)."""

    __tablename__ = "session_participants"
    __table_args__ = (UniqueConstraint("session_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    gemeente: Mapped[str] = mapped_column(String(20))  # the case's, for row security
    # ingeschreven | aanwezig | no_show | afgemeld | geweigerd (ceremonie) | geannuleerd (session cancelled)
    # | verplaatst (moved)
    status: Mapped[str] = mapped_column(String(20))
    enrolled_at: Mapped[datetime]
    enrolled_by: Mapped[str] = mapped_column(String(200))
    outcome_at: Mapped[datetime | None]
    outcome_by: Mapped[str | None] = mapped_column(String(200))
