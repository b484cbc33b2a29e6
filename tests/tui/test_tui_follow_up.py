""""Wachten tot" (w): a claimed task leaves "mijn werk" until its follow-up date, on the engine clock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable
from tui_app_fixtures import NOW, make_app, settle, type_text

from engine import InvalidInput, Settings, TaskFilter, build_engine
from tui.app import TrajectApp
from tui.format import parse_day
from tui.screens.follow_up import FollowUpModal


def mine(url: str, now) -> set[str]:
    engine = build_engine(Settings(db_url=url, user="anna", now=now))
    try:
        return {i.person_name for i in engine.list_tasks(TaskFilter(assignee="anna", waiting_until=now))}
    finally:
        engine.db.dispose()


async def test_a_follow_up_date_hides_and_reshows_the_task(db):
    url, _ = db
    assert "Sara Haddad" in mine(url, NOW)  # claimed by anna
    app = make_app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        row = [item.person_name for item in screen.items].index("Sara Haddad")
        screen.query_one("#worklist", DataTable).move_cursor(row=row)
        await pilot.pause()
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpModal)
        await type_text(pilot, "9-3-2026")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")  # mijn werk
        await settle(pilot)
        assert "Sara Haddad" not in [item.person_name for item in app.screen.items]
    assert "Sara Haddad" not in mine(url, NOW + timedelta(days=6))
    later = TrajectApp(build_engine(Settings(db_url=url, user="anna", now=NOW + timedelta(days=8))))
    async with later.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "Sara Haddad" in [item.person_name for item in later.screen.items]


async def test_a_date_not_after_today_is_said_under_the_field_in_dutch(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#worklist", DataTable).move_cursor(
            row=[item.person_name for item in screen.items].index("Sara Haddad"))
        await pilot.pause()
        await pilot.press("w")
        await settle(pilot)
        await type_text(pilot, "1-1-2020")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpModal)  # still open, nothing sent to the engine
        shown = str(app.screen.query_one("#follow-up-error").render())
        assert "01-01-2020 is niet na vandaag" in shown


def test_only_the_assignee_and_only_a_future_date(db):
    url, _ = db
    engine = build_engine(Settings(db_url=url, user="anna", now=NOW))
    tasks = {i.person_name: i for i in engine.list_tasks(TaskFilter(gemeente="GM0363"))}
    with pytest.raises(InvalidInput, match="not claimed by anna"):
        engine.set_follow_up(tasks["Jan de Vries"].id, NOW + timedelta(days=3), actor="anna")
    with pytest.raises(InvalidInput, match="not in the future"):
        engine.set_follow_up(tasks["Sara Haddad"].id, NOW - timedelta(days=1), actor="anna")
    engine.db.dispose()


def test_dates_in_both_orders():
    assert str(parse_day("2026-12-09")) == "2026-12-09" and str(parse_day("9-12-2026")) == "2026-12-09"
    assert parse_day("12/9") is None and parse_day("31-2-2026") is None
