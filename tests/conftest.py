"""Shared fixtures: a clean environment per test, and real databases (SQLite files, PostgreSQL)."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from grants import TEST_POLICY_PATH, TEST_USER, grant_test_user

from engine.clock import parse_now
from engine.service import build_engine
from engine.settings import Settings

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PG_URL = os.environ.get("TRAJECT_TEST_PG_URL")
REQUIRE_PG = os.environ.get("TRAJECT_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """Keep the developer's machine out of tests: no TRAJECT_* settings, a temporary working folder, and
    the test policy (TRAJECT_POLICY) so subprocesses get it too."""
    for name in list(os.environ):
        if name.startswith("TRAJECT_") and name not in ("TRAJECT_TEST_PG_URL", "TRAJECT_REQUIRE_PG"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRAJECT_POLICY", str(TEST_POLICY_PATH))


def _pg_schema_url(base: str):
    """A PostgreSQL URL whose search_path is a fresh schema, so every test gets an empty database."""
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'traject.db'}"
        return
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("TRAJECT_TEST_PG_URL is required here (CI) but not set")
        pytest.skip("PostgreSQL tests need TRAJECT_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)")
    url, drop = _pg_schema_url(PG_URL)
    yield url
    drop()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'traject.db'}"


@pytest.fixture
def make_engine(db_url):
    """make_engine(now='2026-01-01T09:00:00Z', user='anna') -> Engine on the test database."""
    engines = []

    granted: set[str] = set()

    def factory(now: str | None = None, user: str = TEST_USER, url: str | None = None):
        url = url or db_url
        if (url, user) not in granted:
            grant_test_user(url, user)
            granted.add((url, user))
        settings = Settings(db_url=url, user=user, now=parse_now(now) if now else None,
                            policy_path=TEST_POLICY_PATH)
        engine = build_engine(settings)
        engines.append(engine)
        return engine

    yield factory
    for engine in engines:
        engine.db.dispose()


@pytest.fixture
def cli(capsys, db_url):
    """The `traject` command on the test database (SQLite, and PostgreSQL where configured)."""
    from cli import Cli

    return Cli(capsys, db_url)


@pytest.fixture
def filled(cli):
    """A database with a few cases at different points, for the audit tests."""
    from audit_support import fill

    return fill(cli)


def pytest_collection_modifyitems(config, items):
    """Without TRAJECT_TEST_PG_URL the PostgreSQL variants are left out with one line in the report,
    instead of one "SKIPPED" line per test file in `make test`'s summary (-ra)."""
    if PG_URL or REQUIRE_PG:
        return
    pg = [item for item in items if getattr(item, "callspec", None)
          and item.callspec.params.get("db_url") == "postgresql"]
    if not pg:
        return
    left_out = set(pg)
    items[:] = [item for item in items if item not in left_out]
    config.hook.pytest_deselected(items=pg)
    config._traject_pg_left_out = len(pg)


def pytest_terminal_summary(terminalreporter, config):
    if PG_URL or REQUIRE_PG:
        return
    left_out = getattr(config, "_traject_pg_left_out", 0)
    # Under pytest-xdist the workers collect and leave them out; the controller only knows that they did.
    if left_out or getattr(config.option, "numprocesses", None):
        what = f"{left_out} PostgreSQL tests were" if left_out else "The PostgreSQL tests were"
        terminalreporter.write_line(f"{what} not run: set TRAJECT_TEST_PG_URL "
                                    "(e.g. postgresql+psycopg://postgres@127.0.0.1/test) to run them")
