"""What the app shows depends on the user's grants: an auditor, an outside executor, a caseworker.

The engine enforces the rights (tests/test_rights.py); the app hides what a user may not do and shows
an outside executor only the fields of the task's form."""
from __future__ import annotations

from textual.widgets import DataTable, Static
from tui_app_fixtures import make_app, settle, table_rows

from tui.screens.audit import CasePickerScreen
from tui.screens.task import TaskScreen
from tui.widgets.schema_form import SchemaForm

SIZE = (120, 30)


def actions(app) -> set[str]:
    return {active.binding.action for active in app.screen.active_bindings.values()
            if app.screen.check_action(active.binding.action, ()) is not False}


def status(app) -> str:
    return str(app.screen.query_one("#worklist-status", Static).render())


async def test_an_auditor_has_no_worklist_and_reaches_the_audit_view(db):
    url, _ = db
    app = make_app(url, user="olga")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "auditor" in status(app) and "a" in status(app)
        assert app.screen.query_one("#worklist", DataTable).row_count == 0
        assert "audit" in actions(app)
        assert not actions(app) & {"claim", "new_case"}
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CasePickerScreen)
        names = [row[2] for row in table_rows(app.screen.query_one("#picker-cases", DataTable))]
        assert "Yusuf Demir" in names and "Lina Osman" in names  # both of olga's gemeenten


async def test_a_caseworker_does_not_see_the_audit_action(db):
    url, _ = db
    app = make_app(url, user="anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert {"claim", "new_case", "dossier"} <= actions(app)
        assert "audit" not in actions(app)
        await pilot.press("a")  # hidden and inert
        await settle(pilot)
        assert not isinstance(app.screen, CasePickerScreen)


async def test_an_outside_executor_sees_its_lanes_without_bsn_and_only_the_form_fields(db):
    url, _ = db
    app = make_app(url, user="vwn1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = app.screen.items
        assert items and {i.gemeente for i in items} == {"GM0363"} and {i.role for i in items} == {"klantmanager"}
        assert all(i.bsn is None for i in items)
        assert "Yusuf Demir" not in [i.person_name for i in items]  # GM0344 is outside its grant
        assert "dossier" not in actions(app) and "new_case" not in actions(app)
        row = [i.person_name for i in items].index("Fatima el Amrani")
        app.screen.query_one("#worklist", DataTable).move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskScreen)
        assert not app.screen.query("#task-side")  # no case data panel
        form = app.screen.query_one(SchemaForm)
        declared = set(app.screen.spec.schema.get("properties", {}))
        assert set(app.screen.spec.data) <= declared and "bsn" not in app.screen.spec.data
        assert form is not None


async def _dossier_of(pilot, app, case_id: str):
    from tui.screens.dossier import DossierScreen

    await settle(pilot)
    app.push_screen(DossierScreen(case_id))
    await settle(pilot)
    return app.screen


async def test_a_coordinator_ends_a_case_in_error_from_its_dossier(db):
    url, cases = db
    app = make_app(url, user="bert")  # klantmanager and coordinator in GM0363
    async with app.run_test(size=SIZE) as pilot:
        dossier = await _dossier_of(pilot, app, cases["Eva Jansen"])
        assert dossier.query("#dossier-incident") and {"retry", "cancel_case"} <= actions(app)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"overleden")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dossier and dossier.case.summary.status == "cancelled"
        assert not dossier.query("#dossier-incident") and not {"retry", "cancel_case"} & actions(app)
        assert "Zaak beëindigd" in [row[2] for row in table_rows(dossier.query_one("#dossier-history", DataTable))]


async def test_a_coordinator_retries_a_failed_completion_and_the_task_is_open_again(db):
    url, cases = db
    app = make_app(url, user="bert")
    async with app.run_test(size=SIZE) as pilot:
        dossier = await _dossier_of(pilot, app, cases["Eva Jansen"])
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is dossier and dossier.case.summary.status == "running"
        assert not dossier.query("#dossier-incident") and dossier.case.open_tasks
        assert "Storing opgelost" in [row[2] for row in table_rows(dossier.query_one("#dossier-history", DataTable))]


async def test_a_caseworker_has_no_incident_actions(db):
    url, cases = db
    app = make_app(url, user="anna")
    async with app.run_test(size=SIZE) as pilot:
        dossier = await _dossier_of(pilot, app, cases["Eva Jansen"])
        assert dossier.query("#dossier-incident") and not {"retry", "cancel_case"} & actions(app)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is dossier and dossier.case.summary.status == "error"
