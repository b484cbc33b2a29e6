"""Live worklists: tell open apps that a command changed a case, without them polling the tables.

PostgreSQL: every command that appends an event also sends `pg_notify('traject_<schema>', payload)`
in its own transaction, so the notification is delivered at commit and only then (a rolled-back
command announces nothing). The payload is the case id and gemeente only, never case data.
SQLite has no notifications: a ChangeFeed polls `PRAGMA data_version` on a connection of its own,
which changes whenever another connection commits (one cheap pragma per poll, no table read).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sqlalchemy import text

_NOTIFY = text("SELECT pg_notify('traject_' || current_schema(), :payload)")
SQLITE_POLL = 0.2  # seconds between data_version checks


@dataclass(frozen=True)
class Change:
    case_id: str | None  # None: something changed, the feed cannot say what (SQLite)
    gemeente: str | None


def publish(session, case_id: str, gemeente: str | None) -> None:
    """Announce a change of this case at commit (PostgreSQL only; SQLite readers poll). Once per case
    and transaction: a command appending two events (timer_fired, incident_raised) sends one."""
    sent = session.info.setdefault("traject_notified", set())
    if case_id not in sent and session.get_bind().dialect.name == "postgresql":
        sent.add(case_id)
        session.execute(_NOTIFY, {"payload": json.dumps({"case": case_id, "gemeente": gemeente})})


class ChangeFeed:
    """`wait(timeout)` returns the changes committed since the last call (empty after `timeout`)."""

    def __init__(self, sa_engine):
        self._pg = sa_engine.dialect.name == "postgresql"
        if self._pg:
            self._conn = sa_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            schema = self._conn.exec_driver_sql("SELECT current_schema()").scalar()
            self._conn.exec_driver_sql(f'LISTEN "traject_{schema}"')
        else:  # the DBAPI connection itself: SQLAlchemy's begin hook would hold a read snapshot open
            self._conn = sa_engine.raw_connection()
            self._version = self._data_version()

    def wait(self, timeout: float) -> list[Change]:
        return self._wait_pg(timeout) if self._pg else self._wait_sqlite(timeout)

    def _wait_pg(self, timeout: float) -> list[Change]:
        raw = self._conn.connection.driver_connection
        changes = []
        for note in raw.notifies(timeout=timeout, stop_after=1):
            changes.append(_parse(note.payload))
        for note in raw.notifies(timeout=0.01):  # whatever else came with it: one refresh for all
            changes.append(_parse(note.payload))
        return changes

    def _wait_sqlite(self, timeout: float) -> list[Change]:
        deadline = time.monotonic() + timeout
        while True:
            version = self._data_version()
            if version != self._version:
                self._version = version
                return [Change(None, None)]
            if time.monotonic() >= deadline:
                return []
            time.sleep(min(SQLITE_POLL, max(0.0, deadline - time.monotonic())))

    def _data_version(self) -> int:
        cursor = self._conn.cursor()
        try:
            return cursor.execute("PRAGMA data_version").fetchone()[0]
        finally:
            cursor.close()

    def close(self) -> None:
        self._conn.close()


def _parse(payload: str) -> Change:
    try:
        value = json.loads(payload)
        return Change(str(value.get("case")), value.get("gemeente"))
    except (ValueError, AttributeError):
        return Change(None, None)
