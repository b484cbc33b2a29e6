"""The worklist's search reaches every case in the user's gemeenten: a completed case and one waiting on
a timer show after the tasks (enter opens the dossier), and "no result" says so."""
from __future__ import annotations

import pytest
from search_support import LATER, PEOPLE, fill_states
from textual.widgets import DataTable, Input, Static
from tui_app_fixtures import settle, table_rows, type_text

from engine import Settings, build_engine
from engine.clock import parse_now
from tui.app import TrajectApp
from tui.screens.dossier import DossierScreen


@pytest.fixture
def states(capsys, sqlite_url):
    from cli import Cli

    ids = fill_states(Cli(capsys, sqlite_url))
    from grants import settings_for

    engine = build_engine(settings_for(sqlite_url))  # the test user, a beheerder, adds anna
    engine.add_user("anna", ["klantmanager"], ["GM0363"], force=True)
    engine.db.dispose()
    return sqlite_url, ids


async def search(pilot, text: str) -> None:
    await pilot.press("slash")
    search_box = pilot.app.screen.query_one("#search", Input)
    search_box.value = ""
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


def status(app) -> str:
    return str(app.screen.query_one("#worklist-status", Static).render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_search_finds_a_waiting_and_a_completed_case(states, size):
    url, ids = states
    app = TrajectApp(build_engine(Settings(db_url=url, user="anna", now=parse_now(LATER))))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for state, expected in (("waiting", "Zaak: wacht tot 05-03-26"), ("done", "Zaak: Afgerond")):
            name, bsn = PEOPLE[state]
            for text in (name.split()[-1], bsn):
                await search(pilot, text)
                rows = table_rows(app.screen.query_one("#worklist", DataTable))
                assert [row[1:3] for row in rows] == [[expected, name]], text
                assert status(app).startswith("Geen open taak voor")
        await pilot.press("enter")  # the found case's dossier
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen) and app.screen.case_id == ids["done"]


async def test_search_outside_the_gemeenten_and_no_result_say_so(states):
    url, _ = states
    app = TrajectApp(build_engine(Settings(db_url=url, user="anna", now=parse_now(LATER))))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search(pilot, "123123123")  # Iris de Groot lives in GM0344: not anna's
        assert app.screen.query_one("#worklist", DataTable).row_count == 0
        assert status(app) == "Niets gevonden voor '123123123' (naam, BSN of zaaknummer)."
        await search(pilot, "visser")  # an open task and no other case
        rows = table_rows(app.screen.query_one("#worklist", DataTable))
        assert [row[1:3] for row in rows] == [["Gesprek", "Noor Visser"]]
