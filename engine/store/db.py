"""Database connection, transactions and automatic migration.

Every engine command runs in one transaction (`Database.transaction()`). Writes on SQLite begin with
BEGIN IMMEDIATE so two processes completing the same task queue up instead of failing on commit;
on PostgreSQL the service locks the case row (SELECT ... FOR UPDATE).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, InterfaceError, OperationalError

from ..errors import Conflict, DatabaseUnavailable, InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The newest Alembic revision in engine/migrations/versions. Checked with one cheap query so a plain
# command does not import Alembic (about 0.1 s) unless the database really needs migrating.
HEAD_REVISION = "0014"
AFTER_COMMIT = "traject_after_commit"  # session.info key: callables run once the transaction committed
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Whether the version table is there, where an unqualified name finds it. Asked by the first command of
# every process: one plain query instead of SQLAlchemy's inspector, whose catalogue queries cost about
# 3 ms on PostgreSQL (first connection and check: 8.3 ms before, 5.4 ms now; SQLite: the same 0.9 ms).
_HAS_VERSION_TABLE = {
    "sqlite": text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"),
    "postgresql": text("SELECT to_regclass('alembic_version') IS NOT NULL"),
}


class Database:
    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        try:
            self.sa_engine = self._create_engine(url)
        except (ArgumentError, ImportError) as err:  # NoSuchModuleError is an ArgumentError
            raise InvalidInput(f"--db: '{_shown(url)}' is not a database URL Traject can open "
                               f"({_first_line(err)}); use sqlite:///FILE or postgresql+psycopg://...") from None
        self._writer = self.sa_engine.execution_options(traject_begin="IMMEDIATE")
        # Values that never change once the database has them (the audit key), shared by this
        # Database's sessions through session.info: read once per process, not once per command.
        self.immutable: dict = {}
        self._session_makers = None  # (read, write), made on the first ORM transaction: see transaction()
        self._migrated = False
        self._may_create = False

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
        """The database's Alembic revision; None for a database without one (new, or not Traject's)."""
        with self.sa_engine.connect() as conn:
            if not conn.execute(_HAS_VERSION_TABLE["sqlite" if self.is_sqlite else "postgresql"]).scalar():
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
            if not self.is_sqlite:  # tables a later migration added get the group roles' privileges too
                from ..rights.pg import sync_privileges

                sync_privileges(conn)

    def allow_create(self) -> None:
        """Let the next first connection create a missing SQLite file (users add and demo do)."""
        self._may_create = True

    def _missing_sqlite_file(self) -> Path | None:
        """The SQLite file the URL names, when it does not exist (connecting would create it empty)."""
        if not self.is_sqlite or self._migrated:
            return None
        name = make_url(self.url).database
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        path = Path(name)
        return None if path.exists() else path

    def _connect_checked(self) -> None:
        """Migrate on first use; a database that cannot be reached is one line naming the URL.

        A command that only reads or changes cases never creates a database: on a mistyped path it
        would report an empty one (`audit verify`: "0 with findings", exit 0) as if all were well.
        """
        missing = None if self._may_create else self._missing_sqlite_file()
        if missing is not None:
            raise InvalidInput(f"--db: no database at {missing} (a new one is made by its first beheerder: "
                               "traject users add NAME --role beheerder --all, or by traject demo)")
        try:
            self.ensure_migrated()
        except DBAPIError as err:
            if not err.connection_invalidated and not isinstance(err, OperationalError | InterfaceError):
                raise
            raise InvalidInput(f"--db: cannot open the database '{_shown(self.url)}': "
                               f"{_first_line(err.orig or err)}") from None

    @contextlib.contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One command, one transaction: commit on success, roll back on any error."""
        from sqlalchemy.orm.exc import StaleDataError  # the ORM: imported by the commands that use it only

        self._connect_checked()
        session = self._session_maker(write)()
        try:
            yield session
            session.commit()
        except StaleDataError:
            session.rollback()
            raise Conflict("the case was changed by someone else at the same time; nothing was saved") from None
        except DBAPIError as err:
            _rollback_quietly(session)
            raise _engine_error(err) from None
        except BaseException:
            session.rollback()
            raise
        else:
            for hook in session.info.pop(AFTER_COMMIT, ()):
                hook()  # e.g. engine/live.py: keep a workflow only once its row is committed
        finally:
            session.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only command's transaction on a Core connection, without the ORM: the read commands'
        start-up (`traject tasks`, `traject cases`) does not import it (issue 14)."""
        self._connect_checked()
        try:
            with self.sa_engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as err:
            raise _engine_error(err) from None

    def _session_maker(self, write: bool):
        if self._session_makers is None:
            from sqlalchemy.orm import sessionmaker

            info = {"traject_immutable": self.immutable}
            self._session_makers = (sessionmaker(bind=self.sa_engine, expire_on_commit=False, info=info),
                                    sessionmaker(bind=self._writer, expire_on_commit=False, info=info))
        return self._session_makers[1 if write else 0]

    def dispose(self) -> None:
        self.sa_engine.dispose()


def connection_of(executor) -> Connection:
    """The Core connection to run a statement on: a Session's, or the Connection itself. Core statements
    run there without the ORM's execution layer, from an ORM command and a Core one alike."""
    return executor if isinstance(executor, Connection) else executor.connection()


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: show it as given, shortened
        return url[:100]


def _engine_error(err: DBAPIError) -> Exception:
    """What a database error means to the user; any other error (an integrity error, say) as it is."""
    if isinstance(err, OperationalError):
        if "locked" in str(err).lower():
            return Conflict("de database is bezet door een andere opdracht; probeer het opnieuw")
        return DatabaseUnavailable(f"database error: {_first_line(err.orig or err)}")
    if err.connection_invalidated or isinstance(err, InterfaceError):  # a killed backend, a restart
        return DatabaseUnavailable(f"database error: {_first_line(err.orig or err)}")
    if isinstance(err, DataError):  # e.g. a value longer than its column on PostgreSQL
        return InvalidInput(f"the database refused a value: {_first_line(err.orig or err)}")
    return err


def _rollback_quietly(session: Session) -> None:
    """Roll back on a connection that may be gone: the error that got us here is the one to report."""
    try:
        session.rollback()
    except DBAPIError:
        pass


def _first_line(err) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0][:300]
