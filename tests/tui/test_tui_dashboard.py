"""The dashboard (k from the worklist): figures, charts and the two lists of the user's scope, at 80x24.

The seeded database (tui_app_fixtures.PEOPLE, clock 2026-03-02) plus two cases whose deadline (12 months
after datum_vestiging, the test process's script) is near: Noor Bakker's 2026-04-01 (within 8 weeks)
and Piet Smit's 2026-02-01 (passed). Worked out by hand for bert (coordinator in GM0363 and GM0344):
  open cases 8: the six PEOPLE and the two above (Eva Jansen's case is in error, not running)
  overdue tasks 1: Fatima el Amrani's intake (started 10 days ago, due after 7 days)
  deadline within 8 weeks 1 (Noor Bakker), passed 1 (Piet Smit)
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from tui_app_fixtures import NOW, TUI_POLICY, MovingClock, fixed_uuids, make_app, settle, table_rows

from engine import Settings, build_engine
from tui.app import TrajectApp
from tui.screens.dashboard import DashboardScreen
from tui.screens.dossier import DossierScreen
from tui.screens.worklist import WorklistScreen

SIZE = (80, 24)


@pytest.fixture
def board_db(db):
    url, cases = db
    clock = MovingClock(NOW - timedelta(days=1))
    engine = build_engine(Settings(db_url=url, user="seed", policy_path=TUI_POLICY), clock=clock)
    with fixed_uuids(seed=12):
        for name, bsn, vestiging in (("Noor Bakker", "234234234", "2025-04-01"),
                                     ("Piet Smit", "345345345", "2025-02-01")):
            cases[name] = engine.start_case("tui_zaak", "GM0363", {"naam": name, "bsn": bsn,
                                                                   "datum_vestiging": vestiging}).id
        engine.add_user("bea", ["beleid"], ["GM0363"])
    engine.db.dispose()
    return url, cases


async def open_board(pilot):
    await settle(pilot)
    await pilot.press("k")
    await settle(pilot)


async def test_the_figures_and_lists_match_the_hand_count(board_db):
    url, cases = board_db
    app = make_app(url, user="bert")
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        figures = {f.key: f.value for f in screen.board.figures}
        assert figures == {"open_cases_per_stage": 8, "overdue_tasks_per_role": 1, "near_deadline": 1,
                           "past_deadline": 1}
        line = str(screen.query_one("#dashboard-figures").render())
        assert "Lopend 8" in line and "Te late taken 1" in line and "Termijn verstreken 1" in line
        overdue = table_rows(screen.query_one("#dashboard-overdue"))
        assert [task.person_name for task in screen.board.overdue] == ["Fatima el Amrani"]
        assert len(overdue) == 1 and overdue[0][1].startswith("Fatima el")  # the name cut to its column
        deadline = table_rows(screen.query_one("#dashboard-deadline"))
        assert [(row[0], row[1]) for row in deadline] == [("01-02-26 !", "Piet Smit"), ("01-04-26", "Noor Bakker")]


async def test_enter_opens_the_dossier_of_the_row_and_escape_comes_back(board_db):
    url, cases = board_db
    app = make_app(url, user="bert")
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        await pilot.press("enter")  # the overdue list has the focus
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen) and app.screen.case_id == cases["Fatima el Amrani"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("tab", "down", "enter")  # the deadline list, its second row
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen) and app.screen.case_id == cases["Noor Bakker"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)


async def test_k_is_offered_only_to_users_who_may_see_figures(board_db):
    url, _ = board_db
    app = make_app(url, user="anna")  # a klantmanager: no report.view
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Dashboard" not in commands
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
    app = make_app(url, user="bert")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Dashboard" in [c.title for c in app.get_system_commands(app.screen)]


async def test_a_beleid_user_sees_the_figures_of_their_gemeente_but_no_people(board_db):
    url, _ = board_db
    app = make_app(url, user="bea")  # beleid in GM0363: figures only, no worklist of their own
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.action_dashboard()
        await settle(pilot)
        board = app.screen.board
        # GM0363 only: Yusuf Demir (GM0344) is not counted
        assert {f.key: f.value for f in board.figures}["open_cases_per_stage"] == 7
        assert not board.lists_shown and board.overdue == [] and board.near_deadline == []
        assert table_rows(app.screen.query_one("#dashboard-deadline")) == []


async def test_the_board_refreshes_when_someone_else_completes_a_task(board_db):
    url, cases = board_db
    engine = build_engine(Settings(db_url=url, user="bert", now=NOW, policy_path=TUI_POLICY))
    app = TrajectApp(build_engine(Settings(db_url=url, user="bert", now=NOW, policy_path=TUI_POLICY)), live=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_board(pilot)
        assert {f.key: f.value for f in app.screen.board.figures}["overdue_tasks_per_role"] == 1
        task = engine.list_tasks(case_id=cases["Fatima el Amrani"])[0]
        engine.complete_task(task.id, {"voertaal": "Arabisch", "aantal_sessies": 2})
        for _ in range(60):  # the live feed polls every 0.5 s; no key is pressed
            await pilot.pause(0.05)
            if app.screen.board.figure("overdue_tasks_per_role").value == 0:
                break
        assert app.screen.board.figure("overdue_tasks_per_role").value == 0
        assert table_rows(app.screen.query_one("#dashboard-overdue")) == []
    engine.db.dispose()


def test_dashboard_snapshot(snap_compare, board_db):
    assert snap_compare(make_app(board_db[0], user="bert"), terminal_size=SIZE, run_before=open_board)


def test_dashboard_snapshot_in_english(snap_compare, board_db):
    assert snap_compare(make_app(board_db[0], user="bert", language="en"), terminal_size=SIZE,
                        run_before=open_board)
