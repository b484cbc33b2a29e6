"""Live worklists: two apps on one database; what one does shows in the other without a key press
(PostgreSQL: LISTEN/NOTIFY; SQLite: PRAGMA data_version)."""
from __future__ import annotations

import asyncio
import os
import time

import pytest
from tui_app_fixtures import NOW, TUI_POLICY, seed, settle

from engine import Settings, build_engine
from tui.app import TrajectApp

SIZE = (120, 30)
PG_URL = os.environ.get("TRAJECT_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request, db):
    if request.param == "sqlite":
        yield db
        return
    if not PG_URL:
        pytest.skip("needs TRAJECT_TEST_PG_URL")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"  # a fresh schema, as tests/conftest.py makes them
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    yield url, seed(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def live_app(url: str, user: str) -> TrajectApp:
    engine = build_engine(Settings(db_url=url, user=user, now=NOW, policy_path=TUI_POLICY))
    return TrajectApp(engine, live=True)


def rows_of(app, name: str):
    return [i for i in app.screen.items if i.person_name == name]


async def until(pilot, predicate, timeout: float = 3.0) -> float:
    """Seconds until `predicate()` holds, with no key pressed; fails after `timeout`."""
    began = time.monotonic()
    while not predicate():
        assert time.monotonic() - began < timeout, "the other app did not refresh"
        await pilot.pause(0.05)
    return time.monotonic() - began


async def test_a_claim_and_a_completion_in_one_app_show_in_the_other_without_a_key_press(shared):
    url, _ = shared
    anna, bert = live_app(url, "anna"), live_app(url, "bert")
    async with anna.run_test(size=SIZE) as pa, bert.run_test(size=SIZE) as pb:
        await settle(pa)
        await settle(pb)
        await asyncio.sleep(0.5)  # both feeds listening
        (jan,) = rows_of(bert, "Jan de Vries")
        assert jan.assignee is None
        # anna claims Jan de Vries's task with her keyboard ...
        names = [i.person_name for i in anna.screen.items]
        from textual.widgets import DataTable

        anna.screen.query_one("#worklist", DataTable).move_cursor(row=names.index("Jan de Vries"))
        await pa.pause()
        await pa.press("c")
        await settle(pa)
        # ... and bert's list shows it within a second, untouched.
        took = await until(pb, lambda: [i.assignee for i in rows_of(bert, "Jan de Vries")] == ["anna"])
        assert took < 1.5
        # anna completes it (through her app's engine, as the task screen does): the intake leaves bert's list.
        await asyncio.to_thread(anna.engine.complete_task, jan.id, {"voertaal": "Arabisch", "aantal_sessies": 2})
        await until(pb, lambda: jan.id not in {i.id for i in bert.screen.items})
        assert rows_of(bert, "Jan de Vries") and rows_of(bert, "Jan de Vries")[0].id != jan.id
