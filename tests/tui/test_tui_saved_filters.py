"""Saved filters (f on the worklist): the current view, stage, role and search saved under a name, per
user in the database, and picked again after the app restarts."""
from __future__ import annotations

from textual.widgets import Input, OptionList, Select
from tui_app_fixtures import make_app, settle, type_text

from tui.screens.saved_filters import SavedFiltersModal
from tui.screens.worklist import MINE, TEAM, WorklistScreen


async def test_a_saved_filter_is_picked_again_after_a_restart(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")  # mijn werk
        app.screen.query_one("#search", Input).value = "Haddad"
        await settle(pilot)
        assert [item.person_name for item in app.screen.items] == ["Sara Haddad"]
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, SavedFiltersModal)
        assert "Mijn werk" in str(app.screen.query_one("#filters-current").render())
        await type_text(pilot, "mijn Haddads")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)

    other = make_app(url, user="bert")  # per user: bert does not see anna's filter
    async with other.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert other.screen.query_one(OptionList).option_count == 0

    again = make_app(url)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = again.screen
        assert screen.current_query().view == TEAM and screen.current_query().search is None
        await pilot.press("f")
        await settle(pilot)
        options = again.screen.query_one(OptionList)
        assert options.option_count == 1 and options.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert again.screen is screen
        query = screen.current_query()
        assert (query.view, query.search, query.stage) == (MINE, "Haddad", None)
        assert [item.person_name for item in screen.items] == ["Sara Haddad"]

        await pilot.press("f")  # delete it again (del on the highlighted filter)
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert again.screen.query_one(OptionList).option_count == 0
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_one("#view", Select).value == MINE  # cancelling changes nothing
