"""The ORM classes, mapped onto the Core tables of engine/store/schema.py (where the columns and their
comments are). Importing this module imports the ORM: the read commands' hot path does without it."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase, deferred

from . import schema


class Base(DeclarativeBase):
    metadata = schema.metadata


class DefinitionVersion(Base):
    """One deployed version of one process: its files, parsed specs and start form, keyed by content hash."""

    __table__ = schema.definition_versions
    # Both large (tens of KB) and immutable: deferred, so a case command reads them only on a cache miss.
    sources = deferred(schema.definition_versions.c.sources)
    specs = deferred(schema.definition_versions.c.specs)


class Case(Base):
    """One person's traject: the running workflow (without its spec) and what lists need to know."""

    __table__ = schema.cases
    __mapper_args__ = {"version_id_col": schema.cases.c.lock_version}


class WorkItem(Base):
    """One ready human task. Worklists read only this table."""

    __table__ = schema.work_items


class ClosedTask(Base):
    """A task that left the worklist without being completed (see schema.closed_tasks)."""

    __table__ = schema.closed_tasks


class MessageWait(Base):
    """A task of a running case waiting for a message (one row per correlation value)."""

    __table__ = schema.message_waits


class ServiceItem(Base):
    """An external task (a service task with a topic) waiting for an outside worker."""

    __table__ = schema.service_items


class Event(Base):
    """Append-only history, hash-chained per case."""

    __table__ = schema.events


class Installation(Base):
    """Values of this installation, such as the key that makes export pseudonyms (engine.audit.pseudonym)."""

    __table__ = schema.installation


class User(Base):
    """A person (or service account) in the user directory; what they may do is in their grants."""

    __table__ = schema.users


class UserGrant(Base):
    """One (role, scope) of a user: scope_kind gemeente (a CBS code), region (a region name) or all ("*")."""

    __table__ = schema.grants


class Region(Base):
    """A named set of gemeenten (a regional service), used as the scope of grants."""

    __table__ = schema.regions


class RegionMember(Base):
    __table__ = schema.region_gemeenten


class AccessEntry(Base):
    """One entry of the append-only, hash-chained access log (engine/rights/access_log.py)."""

    __table__ = schema.access_log


class Draft(Base):
    """A half-filled task form, per task and user. Not case data."""

    __table__ = schema.drafts


class FollowUp(Base):
    """"Wachten tot": a claimed task stays out of its assignee's "mine" list until this time."""

    __table__ = schema.follow_ups


class SavedFilter(Base):
    """A worklist filter saved under a name, per user (engine/saved_filters.py). Not case data."""

    __table__ = schema.saved_filters


class GroupSession(Base):
    """A planned group meeting (a workshop dagdeel or a signing ceremony) with many participants."""

    __table__ = schema.group_sessions


class SessionParticipant(Base):
    """One case in one session, with its outcome."""

    __table__ = schema.session_participants
