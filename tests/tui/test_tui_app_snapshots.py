"""Screenshots of every screen's main states, on the seeded database with a fixed engine clock and
seeded case ids. Update with `pytest tests/tui --snapshot-update` after checking the SVGs look right."""
from __future__ import annotations

from textual.widgets import DataTable
from tui_app_fixtures import make_app, settle, type_text

from tui.screens.worklist import WorklistScreen
from tui.widgets import SchemaForm

SIZE = (80, 24)


def at_person(name: str, *keys: str):
    """run_before: wait for the worklist, put the cursor on `name`'s task, press `keys`, wait again."""

    async def run(pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, WorklistScreen)
        row = [item.person_name for item in screen.items].index(name)
        screen.query_one("#worklist", DataTable).move_cursor(row=row)
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_worklist_team(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=settle)


def test_worklist_mine(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=at_person("Fatima el Amrani", "v"))


def test_worklist_search(snap_compare, db):
    async def search(pilot):
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "haddad")
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=search)


def test_worklist_wide_shows_every_column(snap_compare, db):
    assert snap_compare(make_app(db[0], user="bert"), terminal_size=(110, 24), run_before=settle)


def test_worklist_at_100_columns(snap_compare, db):
    assert snap_compare(make_app(db[0], user="bert"), terminal_size=(100, 30), run_before=settle)


def test_worklist_at_120_columns(snap_compare, db):
    assert snap_compare(make_app(db[0], user="bert"), terminal_size=(120, 40), run_before=settle)


def test_worklist_in_english(snap_compare, db):
    assert snap_compare(make_app(db[0], language="en"), terminal_size=SIZE, run_before=settle)


def test_error_modal_on_a_conflict(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=at_person("Omar Haddad", "c"))


def test_unknown_user(snap_compare, db):
    assert snap_compare(make_app(db[0], user="carla"), terminal_size=SIZE, run_before=settle)


def test_task_form(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=at_person("Fatima el Amrani", "enter"))


def test_task_form_with_engine_errors(snap_compare, db):
    async def reject(pilot):
        await at_person("Fatima el Amrani", "enter")(pilot)
        form = pilot.app.screen.query_one(SchemaForm)
        await type_text(pilot, "Tigrinya")
        form.field_widget("aantal_sessies").focus()
        await type_text(pilot, "9")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=reject)


def test_task_form_wide_with_case_data_beside_it(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=(120, 30), run_before=at_person("Sara Haddad", "enter"))


def test_dossier(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=at_person("Sara Haddad", "d"))


def test_dossier_with_an_incident(snap_compare, db):
    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=at_person("Eva Jansen", "d"))


def test_new_case(snap_compare, db):
    async def choose(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=choose)


def test_new_case_with_errors(snap_compare, db):
    async def reject(pilot):
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        pilot.app.screen.query_one(SchemaForm).field_widget("naam").focus()
        await type_text(pilot, "Noor Bakker")
        await pilot.press("tab")
        await type_text(pilot, "12ab")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=SIZE, run_before=reject)


def audit_of(name: str, *keys: str):
    """run_before: worklist, a (case picker), search `name`, open its audit, press `keys`."""

    async def run(pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, name.split()[0].lower())
        await pilot.press("enter", "enter")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run


def test_audit_first_step(snap_compare, db):
    assert snap_compare(make_app(db[0], user="olga"), terminal_size=SIZE, run_before=audit_of("Lina Osman"))


def test_audit_later_step(snap_compare, db):
    assert snap_compare(make_app(db[0], user="olga"), terminal_size=SIZE, run_before=audit_of("Lina Osman", "right", "right"))
