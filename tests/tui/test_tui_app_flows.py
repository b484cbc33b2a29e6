"""The whole app driven with keys at 80x24, on a real SQLite database seeded through the Engine."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static
from tui_app_fixtures import NOW, make_app, settle, table_rows, type_text

from engine import Settings, build_engine
from tui.screens import worklist as worklist_module
from tui.screens.dossier import DossierScreen
from tui.screens.error import ErrorModal
from tui.screens.new_case import NewCaseScreen
from tui.screens.task import TaskScreen
from tui.screens.unknown_user import UnknownUserScreen
from tui.screens.worklist import WorklistScreen
from tui.widgets import SchemaForm
from tui.widgets.app_header import AppHeader
from tui.widgets.stage_bar import StageBar

SIZE = (80, 24)


def worklist(app) -> WorklistScreen:
    assert isinstance(app.screen, WorklistScreen), app.screen
    return app.screen


def people(app) -> list[str]:
    return [item.person_name for item in worklist(app).items]


async def select_person(pilot, name: str) -> None:
    screen = worklist(pilot.app)
    screen.query_one("#worklist", DataTable).move_cursor(row=people(pilot.app).index(name))
    await pilot.pause()


def status(app) -> str:
    return str(app.screen.query_one("#worklist-status", Static).render())


async def test_worklist_shows_the_team_tasks_by_due_date_with_masked_bsns(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # anna: klantmanager in GM0363. Not Yusuf (GM0344) nor Lina (coordinator's task).
        assert people(app) == ["Fatima el Amrani", "Jan de Vries", "Omar Haddad", "Sara Haddad", "Eva Jansen"]
        table = app.screen.query_one("#worklist", DataTable)
        rows = table_rows(table)
        assert rows[0][:5] == ["25-02-26 !", "Intake", "Fatima el Amrani", "******333", "intake"]
        assert rows[1][0] == "04-03-26 ~"  # due within three days
        assignee = [key.value for key in table.columns].index("col.assignee")
        assert rows[3][assignee] == "anna" and rows[2][assignee] == "bert"
        assert not any("111222333" in cell for row in rows for cell in row)
        assert status(app) == "5 taken · 1 te laat · 1 binnenkort"
        header = app.screen.query_one(AppHeader)
        assert header.user.name == "anna"
        assert "Rollen: klantmanager · Gemeenten: GM0363" in str(header.render())


async def test_mine_view_and_the_stage_and_role_filters(db):
    url, _ = db
    app = make_app(url, user="bert")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert people(app) == ["Fatima el Amrani", "Yusuf Demir", "Jan de Vries", "Omar Haddad", "Sara Haddad",
                               "Lina Osman", "Eva Jansen"]
        await pilot.press("v")
        await settle(pilot)
        assert people(app) == ["Omar Haddad"]
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one("#stage", Select).value = "ondertekening"
        await settle(pilot)
        assert people(app) == ["Lina Osman"]
        app.screen.query_one("#stage", Select).clear()
        app.screen.query_one("#role", Select).value = "coordinator"
        await settle(pilot)
        assert people(app) == ["Lina Osman"]


async def test_search_by_name_or_bsn(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)
        await type_text(pilot, "haddad")
        await settle(pilot)
        assert people(app) == ["Omar Haddad", "Sara Haddad"]
        app.screen.query_one("#search", Input).value = ""
        await type_text(pilot, "444555666")
        await settle(pilot)
        assert people(app) == ["Jan de Vries"]
        await pilot.press("enter")  # back to the list, ready to open the hit
        assert app.focused is app.screen.query_one("#worklist", DataTable)


async def test_claim_and_release_a_task(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Jan de Vries")
        await pilot.press("c")
        await settle(pilot)
        jan = worklist(app).selected()
        assert jan.person_name == "Jan de Vries" and jan.assignee == "anna"
        await pilot.press("v")  # mine: Jan (just claimed) and Sara
        await settle(pilot)
        assert people(app) == ["Jan de Vries", "Sara Haddad"]
        await pilot.press("c")  # release Jan again
        await settle(pilot)
        assert people(app) == ["Sara Haddad"]


async def test_claiming_a_colleagues_task_shows_the_error_modal(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Omar Haddad")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "Conflict"
        assert app.screen.message == "De taak is al geclaimd door bert."  # in Dutch, without CLI syntax
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)


async def test_invalid_form_data_shows_at_the_field_then_the_next_task_opens(db):
    url, cases = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Fatima el Amrani")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TaskScreen)
        assert "Intake · Fatima el Amrani ******333 · GM0363" in str(screen.query_one("#task-title").render())
        form = screen.query_one(SchemaForm)
        assert app.focused is form.field_widget("voertaal")
        await type_text(pilot, "Tigrinya")
        form.field_widget("aantal_sessies").focus()
        await type_text(pilot, "9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The engine refused it (maximum 4); the message is at the field, in Dutch, and the input kept.
        box = form.field_widget("aantal_sessies").parent
        assert "Mag maximaal 4 zijn." in str(box.query_one(".sf-error", Static).render())
        assert app.focused is form.field_widget("aantal_sessies")
        assert form.field_widget("voertaal").value == "Tigrinya"
        await pilot.press("backspace", "2", "ctrl+s")
        await settle(pilot)
        # Next task of the same case for anna opens directly.
        assert isinstance(app.screen, TaskScreen) and app.screen is not screen
        assert app.screen.spec.title == "Workshop plannen"
        assert app.screen.spec.case_id == cases["Fatima el Amrani"]
        await type_text(pilot, "2026-03-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Signing is the coordinator's: back to the worklist, where Fatima's task is gone.
        assert isinstance(app.screen, WorklistScreen)
        assert "Fatima el Amrani" not in people(app)


async def test_a_wrong_date_is_caught_before_the_engine_and_escape_goes_back(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Sara Haddad")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen.query_one(SchemaForm)
        await type_text(pilot, "31-03-20266")
        await pilot.press("ctrl+s")
        await settle(pilot)
        box = form.field_widget("workshop_datum").parent
        assert "JJJJ-MM-DD" in str(box.query_one(".sf-error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
        assert "Sara Haddad" in people(app)  # nothing was sent


async def test_dossier_shows_stage_deadline_tasks_and_history(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Sara Haddad")
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DossierScreen)
        assert screen.query_one(StageBar).stage == "workshop"
        title = str(screen.query_one("#dossier-title").render())
        assert "Sara Haddad" in title and "777888999" in title
        key_data = str(screen.query_one("#dossier-key-data").render())
        assert "Deadline  15-11-2026 (nog 258 dagen)" in key_data
        tasks = table_rows(screen.query_one("#dossier-tasks", DataTable))
        assert tasks == [["Workshop plannen", "klantmanager", "06-03-2026 (nog 4 dagen)", "anna"]]
        history = table_rows(screen.query_one("#dossier-history", DataTable))
        assert [row[2] for row in history] == ["Taak geclaimd: Workshop plannen", "Taak afgerond: Intake", "Zaak gestart"]
        assert history[1][:2] == ["24-02-2026 10:58", "anna"]  # 09:58 UTC, shown in Amsterdam time
        await pilot.press("enter")  # opens the open task
        await settle(pilot)
        assert isinstance(app.screen, TaskScreen) and app.screen.spec.title == "Workshop plannen"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)


async def test_dossier_shows_an_incident_plainly(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Eva Jansen")
        await pilot.press("d")
        await settle(pilot)
        incident = str(app.screen.query_one("#dossier-incident").render())
        assert incident.startswith("Storing bij Script deel op 22-02-2026 12:00:\n")
        # anna is a klantmanager: a plain sentence, not the expression error.
        assert "de coördinator is gewaarschuwd" in incident and "ZeroDivisionError" not in incident
        history = table_rows(app.screen.query_one("#dossier-history", DataTable))
        assert not any("ZeroDivisionError" in cell for row in history for cell in row)
        assert "Storing" in str(app.screen.query_one("#dossier-key-data").render())  # status


async def test_the_dossier_of_an_erased_case_offers_no_note_and_predicts_no_path(db):
    url, cases = db
    engine = build_engine(Settings(db_url=url, user="seed", now=NOW))
    engine.add_note(cases["Sara Haddad"], "Belt terug na de vakantie")
    engine.purge_case(cases["Sara Haddad"], "verzoek 2026-12 van betrokkene")
    engine.db.dispose()
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(DossierScreen(cases["Sara Haddad"]))
        await settle(pilot)
        screen = app.screen
        assert "Gewist" in str(screen.query_one("#dossier-key-data").render())
        assert not screen.query("#dossier-path")
        history = [row[2] for row in table_rows(screen.query_one("#dossier-history", DataTable))]
        assert history[0] == "Persoonsgegevens gewist (AVG)" and "Notitie (gewist)" in history
        keys = {active.binding.action for active in screen.active_bindings.values()}
        assert "note" not in keys and "audit" not in keys  # anna is no auditor
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen  # no note modal


async def test_coordinators_see_the_technical_incident_message(db):
    url, _ = db
    app = make_app(url, user="bert")  # klantmanager and coordinator
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Eva Jansen")
        await pilot.press("d")
        await settle(pilot)
        assert "ZeroDivisionError" in str(app.screen.query_one("#dossier-incident").render())


async def test_an_incident_on_completing_tells_the_caseworker_plainly_and_keeps_the_input(db):
    url, _ = db
    for user, technical in (("anna", False), ("bert", True)):
        app = make_app(url, user=user)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await select_person(pilot, "Eva Jansen")
            await pilot.press("enter")
            await settle(pilot)
            task_id = app.screen.task_id
            await pilot.press("ctrl+s")  # the script fails again
            await settle(pilot)
            assert isinstance(app.screen, ErrorModal)
            message = app.screen.message
            assert "De zaak kan niet verder door een fout in het proces; de coördinator is gewaarschuwd" in message
            assert ("ZeroDivisionError" in message) is technical, user
        engine = build_engine(Settings(db_url=url, user=user, now=NOW))
        assert engine.get_draft(task_id, actor=user) is not None
        engine.db.dispose()


async def test_new_case_from_start_form_to_its_first_task(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewCaseScreen)
        process = screen.query_one("#process", Select)
        assert app.focused is process  # two processes: the variant is the first choice
        assert process.value == "incident"
        await pilot.press("enter", "down", "enter")  # open the list, next variant, choose
        await settle(pilot)
        assert process.value == "tui_zaak"
        assert screen.query_one("#gemeente", Select).value == "GM0363"
        form = screen.query_one(SchemaForm)
        assert list(form.schema["properties"]) == ["naam", "bsn", "datum_vestiging"]
        form.field_widget("naam").focus()
        await type_text(pilot, "Noor Bakker")
        await pilot.press("tab")
        await type_text(pilot, "12ab")
        await pilot.press("tab")
        await type_text(pilot, "2026-02-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        box = form.field_widget("bsn").parent
        assert "Heeft niet het juiste formaat." in str(box.query_one(".sf-error", Static).render())
        form.field_widget("bsn").value = "135792468"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TaskScreen)
        assert app.screen.spec.title == "Intake"
        assert app.screen.case.summary.person_name == "Noor Bakker"
        assert app.screen.case.summary.created_at == NOW
        await pilot.press("escape")
        await settle(pilot)
        assert "Noor Bakker" in people(app)


async def test_leaving_a_half_filled_new_case_is_asked_first(db):
    """A new case has no draft: escape with something typed asks, n keeps the form, j leaves it."""
    from tui.screens.confirm import ConfirmModal

    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # the variant with a start form (naam, bsn, ...)
        await settle(pilot)
        form = app.screen.query_one(SchemaForm)
        form.field_widget("naam").focus()
        await type_text(pilot, "Noor Bakker")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen.query_one(SchemaForm)
        assert isinstance(app.screen, NewCaseScreen) and form.field_widget("naam").value == "Noor Bakker"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: straight back
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)


async def test_unknown_user_is_told_how_to_add_themself(db):
    url, _ = db
    app = make_app(url, user="carla")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, UnknownUserScreen)
        text = str(app.screen.query_one("#unknown-user-box Static").render())
        assert "traject users add carla --role klantmanager --gemeente GM0363" in text
        await pilot.press("q")
    assert app.return_value == 1


async def test_q_quits_from_the_worklist(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


async def test_q_in_the_search_field_is_just_a_letter(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")
        await settle(pilot)
        assert app.is_running and app.screen.query_one("#search", Input).value == "q"


async def test_the_next_page_loads_when_the_cursor_nears_the_end(db, monkeypatch):
    monkeypatch.setattr(worklist_module, "PAGE", 2)
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert people(app) == ["Fatima el Amrani", "Jan de Vries"]
        assert "PgDn" in status(app)
        await pilot.press("down")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert people(app) == ["Fatima el Amrani", "Jan de Vries", "Omar Haddad", "Sara Haddad", "Eva Jansen"]
        assert status(app).startswith("5 taken")


async def test_bindings_are_in_the_command_palette(db):
    url, _ = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Openen", "Zoeken", "Nieuw", "Claim", "Dossier", "Mijn/team", "Afsluiten", "Toetsen"):
            assert title in titles
        # The table's own English keys stay out of a Dutch palette, and quit is listed once.
        assert not {"Cursor down", "Bottom", "Copy selected text"} & set(titles)
        assert titles.count("Afsluiten") == 1
        app.action_show_help_panel()  # "Toetsen": the screen's own keys, in Dutch
        await settle(pilot)
        shown = str(app.screen.query_one("#keys-list").render())
        assert "Dossier: Open het dossier van de zaak" in shown and "Cursor down" not in shown
        await pilot.press("escape")
        await settle(pilot)
        footer_keys = {key for key, active in app.screen.active_bindings.items() if active.binding.show}
        assert {"enter", "slash", "n", "c", "d", "v", "q"} <= footer_keys
        await pilot.press("ctrl+p")
        await type_text(pilot, "nieuw")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NewCaseScreen)


async def test_english_follows_traject_lang(db):
    url, _ = db
    app = make_app(url, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Worklist" in str(app.screen.query_one(AppHeader).render())
        assert status(app) == "5 tasks · 1 overdue · 1 due soon"


async def test_a_database_that_cannot_be_read_shows_the_error_modal(tmp_path):
    engine = build_engine(Settings(db_url=f"sqlite:///{tmp_path / 'missing' / 'x.db'}", user="anna", now=NOW))
    from tui.app import TrajectApp

    app = TrajectApp(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "no database at" in app.screen.message  # a typed engine error: its own message
        await pilot.press("escape")
        await settle(pilot)  # closing the error does not bring it straight back
        assert isinstance(app.screen, WorklistScreen)
        assert "Druk op r" in status(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)


async def test_a_script_raising_a_base_exception_shows_as_an_incident_not_a_frozen_app(tmp_path):
    """`raise Exception.mro()[1]()` (BaseException) passed Textual's `except Exception` in the worker
    thread: the app waited forever. Now the sandbox refuses it and the completion is an incident."""
    from tui_app_fixtures import INCIDENT

    from tui.app import TrajectApp

    folder = tmp_path / "basis"
    folder.mkdir()
    source = (INCIDENT / "incident.bpmn").read_text(encoding="utf-8")
    (folder / "incident.bpmn").write_text(source.replace("resultaat = 100 // deler",
                                                         'raise Exception.mro()[1]("stop")'))
    url = f"sqlite:///{tmp_path / 'traject.db'}"
    seeder = build_engine(Settings(db_url=url, user="seed", now=NOW))
    seeder.add_user("seed", ["beheerder", "ontwerper"], everywhere=True)
    seeder.deploy([folder])
    seeder.add_user("seed", ["klantmanager"], ["GM0363"])
    seeder.add_user("anna", ["klantmanager"], ["GM0363"])
    case = seeder.start_case("incident", "GM0363", {"naam": "Eva Jansen", "bsn": "999888777"})
    seeder.db.dispose()
    app = TrajectApp(build_engine(Settings(db_url=url, user="anna", now=NOW)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_person(pilot, "Eva Jansen")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "de coördinator is gewaarschuwd" in app.screen.message  # the plain sentence for caseworkers
    detail = build_engine(Settings(db_url=url, user="anna", now=NOW)).show_case(case.id)
    assert detail.summary.status == "error" and "access to 'mro' is not allowed" in detail.incident.message


async def fill_start_form(pilot, name: str, bsn: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#process", Select).value = "tui_zaak"
    await settle(pilot)
    form = screen.query_one(SchemaForm)
    for field, value in (("naam", name), ("bsn", bsn), ("datum_vestiging", "2026-02-01")):
        form.field_widget(field).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_second_case_for_a_bsn_with_a_running_case_asks_first(db):
    from tui.screens.confirm import ConfirmModal

    url, cases = db
    app = make_app(url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill_start_form(pilot, "Jan de Vries", "444555666")  # Jan's case is running
        assert isinstance(app.screen, ConfirmModal)
        assert cases["Jan de Vries"][:8] in app.screen.message
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewCaseScreen)  # nothing started, the form kept
        assert app.screen.query_one(SchemaForm).field_widget("naam").value == "Jan de Vries"
        engine = build_engine(Settings(db_url=url, user="anna", now=NOW))
        assert len(engine.list_cases(search="444555666")) == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TaskScreen)
        assert len(engine.list_cases(search="444555666")) == 2
        engine.db.dispose()
