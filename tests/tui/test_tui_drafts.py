"""Input is never lost: a half-filled task form is kept as a draft per task and user when the
caseworker leaves it (escape, or closing the app), restored on reopening (also after a restart), and
discarded only after asking; the draft goes when the task completes."""
from __future__ import annotations

from textual.widgets import DataTable
from tui_app_fixtures import NOW, make_app, settle, type_text

from engine import Settings, build_engine
from tui.screens.confirm import ConfirmModal
from tui.screens.task import TaskScreen
from tui.screens.worklist import WorklistScreen
from tui.widgets import SchemaForm

SIZE = (80, 24)


async def open_task_of(pilot, name: str) -> TaskScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WorklistScreen)
    row = [item.person_name for item in screen.items].index(name)
    screen.query_one("#worklist", DataTable).move_cursor(row=row)
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TaskScreen)
    return pilot.app.screen


def draft_of(url: str, task_id: str, user: str = "anna"):
    engine = build_engine(Settings(db_url=url, user=user, now=NOW))
    try:
        return engine.get_draft(task_id, actor=user)
    finally:
        engine.db.dispose()


async def test_escape_keeps_a_draft_and_reopening_restores_it(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        task_id = screen.task_id
        await type_text(pilot, "Tigrinya")
        screen.query_one(SchemaForm).field_widget("aantal_sessies").value = "3"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
        assert draft_of(url, task_id).data == {"voertaal": "Tigrinya", "aantal_sessies": 3}
        assert draft_of(url, task_id, user="bert") is None  # per user
        screen = await open_task_of(pilot, "Jan de Vries")
        form = screen.query_one(SchemaForm)
        assert form.field_widget("voertaal").value == "Tigrinya"
        assert form.field_widget("aantal_sessies").value == "3"


async def test_a_draft_survives_closing_and_restarting_the_app(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        task_id = screen.task_id
        await type_text(pilot, "Dari")
        await pilot.press("ctrl+q")  # the app closes with the form half filled
        await pilot.pause()
    assert draft_of(url, task_id).data == {"voertaal": "Dari"}
    again = make_app(url)
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        assert screen.query_one(SchemaForm).field_widget("voertaal").value == "Dari"


async def test_discarding_a_draft_asks_first(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        task_id = screen.task_id
        await type_text(pilot, "Dari")
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_task_of(pilot, "Jan de Vries")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep it
        await settle(pilot)
        assert draft_of(url, task_id) is not None
        assert screen.query_one(SchemaForm).field_widget("voertaal").value == "Dari"
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert draft_of(url, task_id) is None
        assert app.screen is screen and screen.query_one(SchemaForm).field_widget("voertaal").value == ""


async def test_the_draft_goes_when_the_task_completes(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        task_id = screen.task_id
        await type_text(pilot, "Dari")
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_task_of(pilot, "Jan de Vries")
        screen.query_one(SchemaForm).field_widget("aantal_sessies").value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert draft_of(url, task_id) is None


async def test_leaving_an_untouched_form_stores_nothing(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        await pilot.press("escape")
        await settle(pilot)
        assert draft_of(url, screen.task_id) is None


async def test_at_80x24_the_form_gets_the_screen_and_f2_f3_open_the_rest(db):
    """Instructions and case data start folded at 24 rows; with the case data open a field still shows."""
    from textual.widgets import Collapsible

    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        instructions = screen.query_one("#task-instructions", Collapsible)
        side = screen.query_one("#task-side", Collapsible)
        assert instructions.collapsed and side.collapsed
        await pilot.press("f2")
        await settle(pilot)
        assert not instructions.collapsed
        await pilot.press("f2", "f3")
        await settle(pilot)
        assert instructions.collapsed and not side.collapsed
        field = screen.query_one(SchemaForm).field_widget("voertaal")
        region = field.region
        assert region.height > 0 and region.bottom <= SIZE[1] - 1  # above the footer, on screen
    app = make_app(url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_task_of(pilot, "Jan de Vries")
        assert not screen.query_one("#task-instructions", Collapsible).collapsed  # room enough


async def test_a_note_from_the_dossier_shows_in_its_history(db):
    from tui_app_fixtures import table_rows

    from tui.screens.dossier import DossierScreen
    from tui.screens.note import NoteModal

    url, cases = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(DossierScreen(cases["Jan de Vries"]))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteModal)
        await type_text(pilot, "Belt terug na de vakantie")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)
        newest = table_rows(app.screen.query_one("#dossier-history", DataTable))[0]
        assert newest[1:] == ["anna", "Notitie: Belt terug na de vakantie"]
    engine = build_engine(Settings(db_url=url, user="kim", now=NOW))  # kim is GM0363's auditor too
    (result,) = engine.verify_cases([cases["Jan de Vries"]])
    assert result.ok, result
    engine.db.dispose()
