"""Database connection, transactions and automatic migration.

Every engine command runs in one transaction (`Database.transaction()`). Writes on SQLite begin with
BEGIN IMMEDIATE so two processes completing the same task queue up instead of failing on commit;
on PostgreSQL the service locks the case row (SELECT ... FOR UPDATE).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, EngineError

# The newest Alembic revision in engine/migrations/versions. Checked with one cheap query so a plain
# command does not import Alembic (about 0.1 s) unless the database really needs migrating.
HEAD_REVISION = "0004"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class Database:
    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.sa_engine = self._create_engine(url)
        self._writer = self.sa_engine.execution_options(traject_begin="IMMEDIATE")
        self._sessions = sessionmaker(bind=self.sa_engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(bind=self._writer, expire_on_commit=False)
        self._migrated = False

    def _create_engine(self, url: str) -> SAEngine:
        if not self.is_sqlite:
            return create_engine(url, pool_pre_ping=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            # Let SQLAlchemy, not the driver, issue BEGIN, so we can choose BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url and url.rstrip("/") != "sqlite:":
                cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
                cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays durable across app crashes
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            mode = conn.get_execution_options().get("traject_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def ensure_migrated(self) -> None:
        if self._migrated:
            return
        if self.current_revision() != HEAD_REVISION:
            self._upgrade()
        self._migrated = True

    def current_revision(self) -> str | None:
        with self.sa_engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _upgrade(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._writer.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    @contextlib.contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One command, one transaction: commit on success, roll back on any error."""
        self.ensure_migrated()
        session = (self._write_sessions if write else self._sessions)()
        try:
            yield session
            session.commit()
        except StaleDataError:
            session.rollback()
            raise Conflict("the case was changed by someone else at the same time; nothing was saved") from None
        except OperationalError as err:
            session.rollback()
            if "locked" in str(err).lower():
                raise Conflict("de database is bezet door een andere opdracht; probeer het opnieuw") from None
            raise EngineError(f"database error: {err.orig}") from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.sa_engine.dispose()
