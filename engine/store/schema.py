"""The database tables, in SQLAlchemy Core. Changes go through an Alembic migration.

Core, not the ORM: a read command (`traject tasks`, `traject cases`) lists from these tables without
importing the ORM, which is a fifth of its start-up (issue 14). engine/store/tables.py maps the ORM
classes onto the same tables for the commands that want objects.
"""
from __future__ import annotations

from datetime import UTC

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
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


metadata = MetaData()


def _required(name: str, type_, *args, **kwargs) -> Column:
    return Column(name, type_, *args, nullable=False, **kwargs)


def _optional(name: str, type_, *args, **kwargs) -> Column:
    return Column(name, type_, *args, nullable=True, **kwargs)


# One deployed version of one process: its files, parsed specs and start form, keyed by content hash.
definition_versions = Table(
    "definition_versions", metadata,
    Column("id", Integer, primary_key=True),
    _required("process_id", String(200), index=True),
    _required("version", Integer),
    _required("name", String(400)),
    _required("content_hash", String(64)),
    _required("startable", Boolean),
    # Both large (tens of KB) and immutable: a case command reads them only on a cache miss.
    _required("sources", JSON),  # {file name: text} of every BPMN, DMN, form file
    _required("specs", JSON),  # serialized spec and subprocess specs
    _optional("start_form", String(400)),
    _optional("start_ui_form", String(400)),
    _optional("start_message", String(200), index=True),  # message start event's name
    _required("deployed_at", UTCDateTime()),
    _required("deployed_by", String(200)),
    UniqueConstraint("process_id", "version"),
)

# One person's traject: the running workflow (without its spec) and what lists need to know.
cases = Table(
    "cases", metadata,
    Column("id", String(36), primary_key=True),
    _required("definition_id", Integer, ForeignKey("definition_versions.id")),
    _required("process_id", String(200), index=True),
    _required("gemeente", String(20), index=True),
    _required("status", String(20)),  # running | completed | error | cancelled
    _optional("stage", String(40)),
    _optional("person_name", String(200)),
    _optional("bsn", String(20), index=True),
    _required("workflow", Text),  # serialized BpmnWorkflow without spec (JSON text)
    _required("serializer_version", String(20)),
    _optional("next_timer_at", UTCDateTime()),
    _optional("deadline", UTCDateTime()),
    _optional("incident", JSON),
    # The case data the monitoring figures count that no event carries (engine/kpis.py, FACTS in
    # engine/cases.py): copied from the workflow data at every step, like `deadline`. Derived from the
    # workflow (which the audit replay checks), so not in the row hash; NULL before migration 0008.
    _optional("facts", JSON),
    _required("created_at", UTCDateTime()),
    _required("updated_at", UTCDateTime()),
    _required("lock_version", Integer, default=1),
    # Hash of the case's newest event: deleting the last events leaves a valid shorter chain otherwise.
    _optional("last_event_hash", String(64)),
    # The newest event's seq and time (0008): the next event follows them without selecting the last event.
    _optional("last_event_seq", Integer),
    _optional("last_event_at", UTCDateTime()),
    # The stored workflow is the state after this event; the task completions and timers after it are
    # re-applied on load (engine/snapshots.py). NULL: it includes every event (0012).
    _optional("snapshot_seq", Integer),
    # HMAC over this row's columns and its work items (engine.audit.rowhash); NULL before migration 0004.
    _optional("row_hash", String(64)),
    # The case started before this one in this installation (engine.audit.case_chain); NULL before 0004.
    _optional("previous_case", String(36)),
    Index("ix_cases_status_timer", "status", "next_timer_at"),
    # The dashboard's state figures (open per stage, near and past the deadline) from the index alone:
    # the case rows are wide (the workflow text), and reading them made the figures 10x slower.
    Index("ix_cases_monitor", "gemeente", "status", "stage", "deadline", "process_id"),
    # The figures read off the facts (PVT-plichtig, DUO on time) without the row: SQLite keeps the wide
    # workflow text inline, before `facts`, so reading facts walks its overflow pages (0.5 s at 100,000
    # cases). PostgreSQL keeps it out of line (TOAST), and its JSON type has no btree operator class.
    Index("ix_cases_facts", "gemeente", "created_at", "process_id", "facts").ddl_if(dialect="sqlite"),
)

# One ready human task. Worklists read only this table.
work_items = Table(
    "work_items", metadata,
    Column("id", String(36), primary_key=True),  # the SpiffWorkflow task id
    _required("case_id", String(36), ForeignKey("cases.id"), index=True),
    _required("process_id", String(200)),
    _required("gemeente", String(20)),
    _required("task", String(200)),  # BPMN element id
    _required("title", String(400)),
    _optional("role", String(100)),
    _optional("form", String(400)),
    _optional("ui_form", String(400)),
    _optional("stage", String(40)),
    _optional("due_at", UTCDateTime()),
    _optional("assignee", String(200)),
    _optional("person_name", String(200)),
    _optional("bsn", String(20)),
    _required("created_at", UTCDateTime()),
    # The worklist's order (due date, open-ended last, then age) from an index, not a sort of every
    # matching row: p95 at 100,000 open cases 59 ms -> 5 ms (bench/worklist.py).
    Index("ix_work_items_queue", "gemeente", "role", text("(due_at IS NULL)"), "due_at", "created_at", "id"),
    Index("ix_work_items_mine", "assignee", text("(due_at IS NULL)"), "due_at", "created_at", "id"),
)

# A task that left the worklist without being completed: a timer or a message took it, a gateway or an
# end event cancelled it, the case was cancelled. So `complete` on it is a conflict ("no longer open",
# exit 3), not an unknown id; a completed task is known by its task_completed event instead.
closed_tasks = Table(
    "closed_tasks", metadata,
    Column("task_id", String(36), primary_key=True),
    _required("case_id", String(36), ForeignKey("cases.id"), index=True),
    _required("closed_at", UTCDateTime()),
)

# A task of a running case waiting for a message; one row per correlation value (key NULL when the
# message has none), so `traject message` finds its receivers in SQL.
message_waits = Table(
    "message_waits", metadata,
    Column("id", Integer, primary_key=True),
    _required("case_id", String(36), ForeignKey("cases.id"), index=True),
    _required("task_id", String(36)),
    _required("element", String(200)),
    _required("message", String(200)),
    _optional("corr_key", String(200)),
    _optional("corr_value", String(400)),
    _required("broadcast", Boolean, default=False),
    Index("ix_message_waits_match", "message", "corr_key", "corr_value"),
)

# An external task (a service task with a topic) waiting for an outside worker.
service_items = Table(
    "service_items", metadata,
    Column("id", String(36), primary_key=True),  # the SpiffWorkflow task id
    _required("case_id", String(36), ForeignKey("cases.id"), index=True),
    _required("process_id", String(200)),
    _required("gemeente", String(20)),
    _required("element", String(200)),
    _required("topic", String(200)),
    _optional("input", JSON),
    _optional("worker", String(200)),
    _optional("locked_until", UTCDateTime()),
    _optional("retries", Integer),
    _optional("error", Text),
    _required("created_at", UTCDateTime()),
    Index("ix_service_items_queue", "topic", "locked_until", "created_at"),
)

# Append-only history, hash-chained per case.
events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    _required("case_id", String(36), index=True),
    _required("seq", Integer),
    _required("type", String(60)),
    _optional("task", String(200)),
    _optional("task_id", String(36), index=True),
    _optional("actor", String(200)),
    _required("at", UTCDateTime()),
    _optional("definition_id", Integer),
    _optional("data", JSON),
    _required("payload_hash", String(64)),
    _optional("state_digest", String(64)),
    _required("prev_hash", String(64)),
    _required("hash", String(64)),
    _optional("hash_version", Integer),  # None: unkeyed SHA-256 (before migration 0004); 2: HMAC, audit key
    UniqueConstraint("case_id", "seq"),
)

# Values of this installation, such as the key that makes export pseudonyms (engine.audit.pseudonym).
installation = Table(
    "installation", metadata,
    Column("name", String(100), primary_key=True),
    _required("value", Text),
    _required("created_at", UTCDateTime()),
)

# A person (or service account) in the user directory; what they may do is in their grants.
users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),
    _required("created_at", UTCDateTime()),
)

# One (role, scope) of a user: scope_kind gemeente (a CBS code), region (a region name) or all ("*").
grants = Table(
    "grants", metadata,
    Column("id", Integer, primary_key=True),
    _required("user_name", String(200), ForeignKey("users.name", ondelete="CASCADE"), index=True),
    _required("role", String(100)),
    _required("scope_kind", String(10)),
    _required("scope", String(100)),
    _required("created_at", UTCDateTime()),
    _required("created_by", String(200)),
    UniqueConstraint("user_name", "role", "scope_kind", "scope"),
)

# A named set of gemeenten (a regional service), used as the scope of grants.
regions = Table(
    "regions", metadata,
    Column("name", String(100), primary_key=True),
    _required("created_at", UTCDateTime()),
)

region_gemeenten = Table(
    "region_gemeenten", metadata,
    Column("region", String(100), ForeignKey("regions.name", ondelete="CASCADE"), primary_key=True),
    Column("gemeente", String(20), primary_key=True),
)

# Append-only, hash-chained log of who processed what (VNG Logboek dataverwerkingen, BIO): refusals
# (access_denied), reads of a person's data (dossier_viewed, task_viewed) and administrative commands,
# each with its outcome. Never the data itself.
access_log = Table(
    "access_log", metadata,
    Column("id", Integer, primary_key=True),
    _required("at", UTCDateTime()),
    _required("type", String(40)),  # access_denied | dossier_viewed | task_viewed | admin_command
    _required("actor", String(200)),
    _optional("via", String(200)),  # the PostgreSQL login that impersonated the actor
    _required("action", String(60)),
    _required("resource", String(400)),
    _optional("case_id", String(36), index=True),
    _required("outcome", String(20)),  # ok | denied | failed
    _optional("message", String(1000)),
    _required("prev_hash", String(64)),
    _required("hash", String(64)),
)

# A half-filled task form, per task and user, so input survives leaving the form or the app.
# Not case data: never in events, exports or the hash chain; deleted when the task completes.
drafts = Table(
    "drafts", metadata,
    Column("task_id", String(36), primary_key=True),
    Column("user", String(200), primary_key=True),
    _required("case_id", String(36), index=True),
    _required("data", JSON),
    _required("updated_at", UTCDateTime()),
)

# "Wachten tot": a claimed task stays out of its assignee's "mine" list until this time.
follow_ups = Table(
    "follow_ups", metadata,
    Column("task_id", String(36), primary_key=True),
    Column("user", String(200), primary_key=True),
    _required("until", UTCDateTime()),
)

# A worklist filter saved under a name, per user (engine/saved_filters.py). Not case data.
saved_filters = Table(
    "saved_filters", metadata,
    Column("user", String(200), primary_key=True),
    Column("name", String(60), primary_key=True),
    _required("view", String(10)),
    _optional("stage", String(60)),
    _optional("role", String(100)),
    _optional("search", String(200)),
    _required("saved_at", UTCDateTime()),
)

# A planned group meeting (a workshop dagdeel or a signing ceremony) with many participants; a stored
# object of its own, not a BPMN instance. Cases learn about it by message (engine/sessions.py).
group_sessions = Table(
    "group_sessions", metadata,
    Column("id", String(36), primary_key=True),
    _required("kind", String(20)),  # workshop | ceremonie
    _required("title", String(200)),
    _required("starts_at", UTCDateTime()),
    _required("dagdelen", Integer),
    _optional("place", String(200)),
    _required("languages", JSON),  # list of language names
    _optional("interpreter_type", String(40)),
    _optional("interpreter_language", String(60)),
    _required("interpreter_booked", Boolean, default=False),
    _required("capacity", Integer),
    _required("executor", String(100)),  # "gemeente" or an outside organisation (uitvoerder:ORG)
    # The gemeenten it serves as ",GM0001,GM0002,": one column, so a LIKE filters lists and PostgreSQL's
    # row security checks the row on its own (a separate table could not be checked on INSERT).
    _required("gemeenten", String(2000)),
    _optional("official", String(200)),  # the signing official of a ceremony (a name)
    _required("status", String(20)),  # gepland | gehouden | geannuleerd
    _optional("cancel_reason", String(1000)),
    _required("created_at", UTCDateTime()),
    _required("created_by", String(200)),
    _required("updated_at", UTCDateTime()),
    Index("ix_group_sessions_at", "starts_at"),
)

# One case in one session, with its outcome. A case moved or cancelled out keeps its row (history).
session_participants = Table(
    "session_participants", metadata,
    Column("id", Integer, primary_key=True),
    _required("session_id", String(36), ForeignKey("group_sessions.id"), index=True),
    _required("case_id", String(36), ForeignKey("cases.id"), index=True),
    _required("gemeente", String(20)),  # the case's, for row security
    # ingeschreven | aanwezig | no_show | afgemeld | geweigerd (ceremonie) | geannuleerd (the session was
    # cancelled, or the case ended before it)
    # | verplaatst (moved)
    _required("status", String(20)),
    _required("enrolled_at", UTCDateTime()),
    _required("enrolled_by", String(200)),
    _optional("outcome_at", UTCDateTime()),
    _optional("outcome_by", String(200)),
    UniqueConstraint("session_id", "case_id"),
)
