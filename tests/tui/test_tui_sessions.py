"""The planning screen (s from the worklist), enrolling waiting cases, and the attendance screen: one row
per participant, one key per state, one save for the whole group. Pilot flows and 80x24 screenshots."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable
from tui_app_fixtures import NOW, settle

from engine import Settings, build_engine
from engine.clock import fixed_clock
from tui.app import TrajectApp
from tui.screens.session_attendance import AttendanceScreen
from tui.screens.session_new import NewSessionScreen
from tui.screens.sessions import EnrolScreen, SessionsScreen

GROEPSWERK = Path(__file__).resolve().parents[1] / "bpmn" / "sessies"
PEOPLE = [("Amal Haddad", "Arabisch"), ("Bilal Yusuf", "Arabisch"), ("Dawit Tesfay", "Tigrinya")]
SIZE = (80, 24)


@pytest.fixture
def planned(tmp_path):
    """Three waiting cases, one workshop (capacity 12) with the first two enrolled; user bram plans."""
    from engine.sessions import NewSession

    url = f"sqlite:///{tmp_path / 'sessies.db'}"
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    engine.add_user("seed", ["beheerder", "ontwerper"], everywhere=True)
    engine.deploy([GROEPSWERK])
    engine.add_user("seed", ["coordinator"], ["GM0363"])
    engine.add_user("bram", ["coordinator"], ["GM0363"])
    cases = {name: engine.start_case("groepswerk", "GM0363", {"naam": name, "voertaal": taal,
                                                              "bsn": f"12345678{i}"}).id
             for i, (name, taal) in enumerate(PEOPLE)}
    at = datetime(2026, 3, 10, 9, 30, tzinfo=NOW.tzinfo) - timedelta(hours=1)
    workshop = engine.add_session(NewSession("workshop", "Kernwaarden maart", at, 1, 12, ("Nederlands",),
                                             ("GM0363",), interpreter_type="telefonisch",
                                             interpreter_language="Arabisch", interpreter_booked=True))
    engine.add_session(NewSession("ceremonie", "Ondertekening Q1", at + timedelta(days=20), 1, 20, ("Nederlands",),
                                  ("GM0363",), official="wethouder J. de Wit"))
    engine.enrol_in_session(workshop.id, [cases["Amal Haddad"], cases["Bilal Yusuf"]])
    engine.db.dispose()
    return url, cases, workshop.id


def app_for(url: str) -> TrajectApp:
    return TrajectApp(build_engine(Settings(db_url=url, user="bram", now=NOW)))


async def open_sessions(pilot) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


async def test_plan_enrol_and_register_a_whole_group(planned):
    url, cases, workshop = planned
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        assert isinstance(app.screen, SessionsScreen)
        rows = [app.screen.query_one(DataTable).get_row_at(i) for i in range(2)]
        assert rows[0][1:5] == ["workshop", "Kernwaarden maa…", "2/12", "Nederlands"]
        assert rows[1][1:4] == ["ceremonie", "Ondertekening Q1", "0/20"]
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, EnrolScreen)
        assert [c.person_name for c in app.screen.candidates] == ["Dawit Tesfay"]
        await pilot.press("space", "s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert app.screen.query_one(DataTable).get_row_at(0)[3] == "3/12"
        app.engine.clock = fixed_clock(NOW + timedelta(days=8, hours=3))  # the workshop took place meanwhile
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert len(app.screen.participants) == 3
        await pilot.press("a", "n", "f", "s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert app.screen.query_one(DataTable).get_row_at(0)[3] == "3/12 ✓"
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    shown = {p.person_name: p.status for p in engine.show_session(workshop).participants}
    assert sorted(shown.values()) == ["aanwezig", "afgemeld", "no_show"]
    outcomes = {name: engine.show_case(cases[name]).data["sessie_uitkomst"] for name in cases}
    assert outcomes == {name: shown[name] for name in cases}
    engine.db.dispose()


async def test_the_language_filter_narrows_the_candidates(planned):
    url, _, _ = planned
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await pilot.press("down", "i")  # the ceremony: nobody waits for one yet
        await settle(pilot)
        assert app.screen.candidates == []
        await pilot.press("escape", "up", "i")
        await settle(pilot)
        app.screen.query_one("#enrol-language").value = "Arabisch"
        app.screen.query_one("#enrol-language").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.candidates == []  # Dawit speaks Tigrinya


async def fill_new_session(pilot, **fields: str) -> None:
    """Open the new-session screen and type `fields` (input id without 'new-' -> text)."""
    await pilot.press("n")
    await settle(pilot)
    for field, text in fields.items():
        pilot.app.screen.query_one(f"#new-{field}").value = text


async def test_a_coordinator_plans_a_session_in_the_app(planned):
    url, _, _ = planned
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        assert str(app.screen.query_one("#sessions-status").render()) == (
            "2 sessies. Enter: aanwezigheid, i: inschrijven, n: nieuw, x: annuleren.")
        await fill_new_session(pilot, title="Kernwaarden april", at="14-04-2026 13:30", capacity="10",
                               languages="Nederlands, Arabisch")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        titles = [app.screen.query_one(DataTable).get_row_at(i)[2] for i in range(3)]
        assert "Kernwaarden apr…" in titles  # 80 columns: the title is cut
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    april = next(s for s in engine.list_sessions() if s.title == "Kernwaarden april")
    assert (april.capacity, april.languages, april.gemeenten) == (10, ("Nederlands", "Arabisch"), ("GM0363",))
    assert april.at == datetime(2026, 4, 14, 11, 30, tzinfo=UTC)  # 13:30 summer time in Amsterdam
    engine.db.dispose()


async def test_an_outside_executor_plans_its_own_organisations_session(planned):
    url, _, _ = planned
    seed = build_engine(Settings(db_url=url, user="seed", now=NOW))
    seed.add_user("vera", ["uitvoerder:vwn"], ["GM0363"], force=True)
    seed.db.dispose()
    app = TrajectApp(build_engine(Settings(db_url=url, user="vera", now=NOW)))
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await fill_new_session(pilot, title="Kernwaarden VWN", at="14-04-2026 13:30", capacity="10",
                               languages="Nederlands")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen), app.screen
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    planned_by_vera = next(s for s in engine.list_sessions() if s.title == "Kernwaarden VWN")
    assert planned_by_vera.executor == "vwn"
    engine.db.dispose()


async def test_a_refused_session_says_why_and_keeps_the_form(planned):
    url, _, _ = planned
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await fill_new_session(pilot, title="Elders", at="14-04-2026 13:30", gemeenten="GM0344")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NewSessionScreen)  # bram plans for GM0363 only
        status = str(app.screen.query_one("#session-new-status").render())
        assert "Niet gepland" in status and "GM0344" in status
        assert app.screen.query_one("#new-title").value == "Elders"
        app.screen.query_one("#new-gemeenten").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Vul de gemeente(n) in" in str(app.screen.query_one("#session-new-status").render())
        app.screen.query_one("#new-gemeenten").value = "GM0363"
        app.screen.query_one("#new-at").value = "volgende week"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "volgende week" in str(app.screen.query_one("#session-new-status").render())
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    assert [s.title for s in engine.list_sessions()] == ["Kernwaarden maart", "Ondertekening Q1"]
    engine.db.dispose()


async def test_cancelling_a_session_asks_a_reason_and_frees_its_participants(planned):
    url, cases, workshop = planned
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#note-text").value = "trainer ziek"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert app.screen.query_one(DataTable).get_row_at(0)[3].endswith("✗")
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    assert engine.show_session(workshop).status == "geannuleerd"
    waiting = {c.person_name for c in engine.session_candidates(session_id=None, kind="workshop")}
    assert {"Amal Haddad", "Bilal Yusuf"} <= waiting  # back to 'to be planned'
    engine.db.dispose()


async def test_an_overtaken_load_does_not_overwrite_the_newer_one(planned):
    """Two loads in flight: the older one, still reading from before the change, answers last. A
    thread cannot be stopped, so the screen must drop that answer rather than show it."""
    url, cases, workshop = planned
    app = app_for(url)
    real, calls, release = app.engine.list_sessions, [], threading.Event()

    def list_sessions(**filters):
        found = real(**filters)
        calls.append(found)
        if len(calls) == 2:  # the first refresh: it has read, and is slow to answer
            release.wait(10)
        return found

    app.engine.list_sessions = list_sessions
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await pilot.press("r")
        while len(calls) < 2:
            await pilot.pause(0.01)
        other = build_engine(Settings(db_url=url, user="seed", now=NOW))
        other.cancel_session(workshop, "trainer ziek")
        other.db.dispose()
        await pilot.press("r")  # the newer load: it sees the cancellation
        while len(calls) < 3:
            await pilot.pause(0.01)
        await settle(pilot)
        release.set()  # now the older load answers, with the session still planned
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.screen.query_one(DataTable).get_row_at(0)[3] == "0/12 ✗"  # its participants freed


def test_new_session_screen(snap_compare, planned):
    async def run(pilot):
        await open_sessions(pilot)
        await fill_new_session(pilot, title="Kernwaarden april", at="14-04-2026 13:30")
        await settle(pilot)

    assert snap_compare(app_for(planned[0]), terminal_size=SIZE, run_before=run)


def test_planning_screen(snap_compare, planned):
    assert snap_compare(app_for(planned[0]), terminal_size=SIZE, run_before=open_sessions)


def test_attendance_screen_with_states_chosen(snap_compare, planned):
    async def run(pilot):
        await open_sessions(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "n")
        await settle(pilot)

    assert snap_compare(app_for(planned[0]), terminal_size=SIZE, run_before=run)


async def test_moving_a_participant_to_another_session_is_one_action(planned):
    from engine.sessions import NewSession

    url, cases, workshop = planned
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    later = engine.add_session(NewSession("workshop", "Kernwaarden april", datetime(2026, 4, 7, 7, 30, tzinfo=UTC),
                                          1, 12, ("Nederlands",), ("GM0363",), interpreter_type="telefonisch",
                                          interpreter_language="Arabisch", interpreter_booked=True))
    engine.db.dispose()
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [p.person_name for p in app.screen.participants] == ["Amal Haddad", "Bilal Yusuf"]
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter")  # the only other workshop with room: April
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert [p.person_name for p in app.screen.participants] == ["Bilal Yusuf"]
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    assert [p.person_name for p in engine.show_session(later.id).participants] == ["Amal Haddad"]
    engine.db.dispose()


async def test_a_klantmanager_sees_the_sessions_but_no_planning_or_attendance_keys(planned):
    """The footer offers only what the user's grants allow (anna: klantmanager; no session.plan or
    session.attend); Enter on a session opens nothing."""
    url, _cases, _workshop = planned
    seed = build_engine(Settings(db_url=url, user="seed", now=NOW))
    seed.add_user("anna", ["klantmanager"], ["GM0363"])
    seed.db.dispose()
    app = TrajectApp(build_engine(Settings(db_url=url, user="anna", now=NOW)))
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        assert isinstance(app.screen, SessionsScreen)
        offered = {active.binding.action for active in app.screen.active_bindings.values() if active.enabled}
        assert "refresh" in offered and not offered & {"enrol", "new_session", "cancel_session", "attendance"}
        assert str(app.screen.query_one("#sessions-status").render()) == "2 sessies."  # no keys she lacks
        await pilot.press("enter", "i", "n")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)


async def test_attendance_before_the_session_took_place_is_asked_first(planned):
    """Saved before its date, a session counts as held and its participants move on: the app asks."""
    from tui.screens.confirm import ConfirmModal

    url, _cases, workshop = planned
    app = app_for(url)  # NOW: a week before the workshop
    async with app.run_test(size=SIZE) as pilot:
        await open_sessions(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("a", "s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal) and "begint op 10-03-2026" in app.screen.message
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceScreen)
        assert app.engine.show_session(workshop).status == "gepland"
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert app.engine.show_session(workshop).status == "gehouden"
