"""The auditor view driven with keys at 80x24 on the seeded SQLite database: the case picker, stepping
through a case's events with left/right, the verification status, and a tampered event as a finding."""
from __future__ import annotations

import json
import sqlite3

from textual.widgets import DataTable, Input, Static
from tui_app_fixtures import make_app, settle, table_rows, type_text

from tui.screens.audit import AuditScreen, CasePickerScreen
from tui.screens.dossier import DossierScreen
from tui.screens.worklist import WorklistScreen

SIZE = (80, 24)


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_audit(pilot, name: str) -> AuditScreen:
    """From the worklist: a (case picker), search the name, enter on the one hit."""
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CasePickerScreen)
    await pilot.press("slash")
    await type_text(pilot, name.split()[0].lower())
    await pilot.press("enter", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AuditScreen), pilot.app.screen
    return pilot.app.screen


def tamper(url: str, case_id: str, seq: int, **changes) -> None:
    """Change an event's payload behind the engine's back, with plain SQL."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
        (text,) = con.execute("SELECT data FROM events WHERE case_id = ? AND seq = ?", (case_id, seq)).fetchone()
        data = json.loads(text)
        data["data"].update(changes)
        con.execute("UPDATE events SET data = ? WHERE case_id = ? AND seq = ?", (json.dumps(data), case_id, seq))


async def test_the_case_picker_lists_cases_newest_first_and_searches_by_case_number(db):
    url, cases = db
    app = make_app(url, user="olga")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        rows = table_rows(app.screen.query_one("#picker-cases", DataTable))
        assert [row[2] for row in rows] == ["Omar Haddad", "Jan de Vries", "Yusuf Demir", "Sara Haddad", "Eva Jansen",
                                            "Fatima el Amrani", "Lina Osman"]
        assert shown(app, "#picker-status") == "7 zaken, nieuwste eerst"
        await pilot.press("slash")
        await type_text(pilot, cases["Lina Osman"][:4])
        await settle(pilot)
        assert [row[0] for row in table_rows(app.screen.query_one("#picker-cases", DataTable))] == [
            cases["Lina Osman"][:8]]
        await pilot.press("escape", "escape")  # out of the search field, then back to the worklist
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)


async def test_stepping_through_a_case_shows_who_what_the_diff_and_the_open_tasks(db):
    url, cases = db
    app = make_app(url, user="olga")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_audit(pilot, "Lina Osman")
        assert screen.case_id == cases["Lina Osman"]
        assert shown(app, "#audit-case").startswith(f"Zaak {cases['Lina Osman'][:8]} · tui_zaak versie 1")
        assert shown(app, "#audit-verification") == (
            "Controle: in orde · keten en herhaling kloppen (3 gebeurtenissen)")
        assert shown(app, "#audit-step-title").startswith("Stap 1 van 3")
        step = shown(app, "#audit-step")
        assert "Wie              seed" in step and "Zaak gestart" in step and "case_started (#1)" in step
        assert "Open taken voor  geen" in step and "Open taken na    Intake" in step
        assert "+ naam: Lina Osman" in step and "+ bsn: 321321321" in step
        assert "✓ herhaald, toestand klopt" in step
        await pilot.press("left")  # already at the first step: stays
        assert screen.index == 0
        await pilot.press("right")
        step = shown(app, "#audit-step")
        assert shown(app, "#audit-step-title").startswith("Stap 2 van 3")
        assert "Wie              anna" in step and "Wanneer          10-02-2026 10:56" in step
        assert "Taak afgerond: Intake" in step and "task_completed (#2)" in step
        assert "Open taken voor  Intake" in step and "Open taken na    Workshop plannen" in step
        assert "+ aantal_sessies: 2" in step and "+ voertaal: Arabisch" in step and "+ naam" not in step
        await pilot.press("right", "right")  # the last step: stays there
        step = shown(app, "#audit-step")
        assert screen.index == 2
        assert "Taak afgerond: Workshop plannen" in step and "+ workshop_datum: 2026-03-20" in step
        await pilot.press("home")
        assert screen.index == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CasePickerScreen)


async def test_a_tampered_event_shows_as_a_finding(db):
    url, cases = db
    tamper(url, cases["Sara Haddad"], 2, voertaal="Engels")
    app = make_app(url, user="olga")
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot, "Sara Haddad")
        verification = shown(app, "#audit-verification")
        assert verification.startswith("Controle: ")
        assert "bevindingen (3 gebeurtenissen)" in verification
        assert "gebeurtenis 2: gegevens gewijzigd" in verification
        assert "Bevindingen bij deze stap" not in shown(app, "#audit-step")  # step 1 is untouched
        await pilot.press("right")
        step = shown(app, "#audit-step")
        assert "✗" in step and "Bevindingen bij deze stap" in step
        assert "gebeurtenis 2: gegevens gewijzigd" in step
        assert "+ voertaal: Engels" in step  # what the database says now


async def test_the_dossier_opens_the_audit_of_its_case_and_nothing_can_be_changed_there(db):
    url, cases = db
    app = make_app(url, user="kim")  # a klantmanager who is also the gemeente's auditor
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        worklist = app.screen
        worklist.query_one("#worklist", DataTable).move_cursor(
            row=[item.person_name for item in worklist.items].index("Eva Jansen"))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen) and app.screen.case_id == cases["Eva Jansen"]
        assert shown(app, "#audit-verification").startswith("Controle: in orde")
        await pilot.press("end")
        assert "Storing" in shown(app, "#audit-step")
        await pilot.press("left")  # the completion the script failed: its remark in Dutch
        assert "Opmerking: de opdracht mislukte zoals vastgelegd (" in shown(app, "#audit-step")
        await pilot.press("end")
        actions = {active.binding.action for active in app.screen.active_bindings.values()}
        assert {"previous", "next", "back"} <= actions
        assert not actions & {"claim", "complete", "save", "new_case"}
        assert not app.screen.query(Input)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DossierScreen)


async def test_the_auditor_view_in_english(db):
    url, _ = db
    app = make_app(url, user="olga", language="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot, "Sara Haddad")
        assert shown(app, "#audit-verification").startswith("Verification: ok")
        assert "Open tasks after" in shown(app, "#audit-step")


async def test_a_note_shows_as_its_own_step_with_its_text(db):
    from tui_app_fixtures import NOW, TUI_POLICY

    from engine import Settings, build_engine

    url, cases = db
    engine = build_engine(Settings(db_url=url, user="anna", now=NOW, policy_path=TUI_POLICY))
    engine.add_note(cases["Sara Haddad"], "Belt na de vakantie terug")
    engine.db.dispose()
    app = make_app(url, user="olga")
    async with app.run_test(size=SIZE) as pilot:
        await open_audit(pilot, "Sara Haddad")
        await pilot.press("end")
        step = shown(app, "#audit-step")
        assert "Notitie: Belt na de vakantie terug" in step and "Wie              anna" in step
        assert shown(app, "#audit-verification").startswith("Controle: in orde")


async def test_opening_the_app_as_an_auditor_logs_no_refusal(db):
    import asyncio

    from tui_app_fixtures import NOW, TUI_POLICY

    from engine import Settings, build_engine
    from tui.app import TrajectApp

    url, _ = db
    app = TrajectApp(build_engine(Settings(db_url=url, user="olga", now=NOW, policy_path=TUI_POLICY)), live=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await asyncio.sleep(0.3)  # the live thread's first step
        assert "geen werkvoorraad" in shown(app, "#worklist-status")
    seed = build_engine(Settings(db_url=url, user="seed", now=NOW))
    assert [e.action for e in seed.access_log(type="access_denied")] == []
    seed.db.dispose()
