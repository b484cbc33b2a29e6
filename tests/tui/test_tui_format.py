"""The small rules behind what the screens show, tested without an app."""
from datetime import UTC, datetime, timedelta

from engine import UserInfo, WorkItem
from tui import i18n
from tui.format import days_left_text, event_text, fmt_date, humanize, mask_bsn, urgency
from tui.screens.error import describe
from tui.screens.task import next_task
from tui.widgets import localize_errors
from tui.widgets.app_header import identity_line

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_bsn_shows_only_its_last_three_digits():
    assert mask_bsn("111222333") == "******333"
    assert mask_bsn(None) == "" and mask_bsn("12") == "12"


def test_due_dates_are_overdue_soon_or_fine():
    assert urgency(NOW - timedelta(minutes=1), NOW) == "overdue"
    assert urgency(NOW + timedelta(days=3), NOW) == "due-soon"
    assert urgency(NOW + timedelta(days=3, minutes=1), NOW) is None
    assert urgency(None, NOW) is None


def test_days_left_count_calendar_days_in_amsterdam():
    assert days_left_text(NOW + timedelta(days=1), NOW) == "nog 1 dag"
    assert days_left_text(NOW + timedelta(days=10), NOW) == "nog 10 dagen"
    assert days_left_text(NOW + timedelta(hours=5), NOW) == "vandaag"
    assert days_left_text(NOW - timedelta(days=3), NOW) == "3 dagen te laat"
    # 23:30 UTC on 1 March is already 2 March in Amsterdam
    assert fmt_date(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "02-03-2026"


def test_events_and_element_ids_read_as_words():
    assert humanize("Task_DuoRegistratie") == "Duo registratie"
    assert humanize("datum_vestiging") == "Datum vestiging"
    assert event_text("task_completed", "Task_Intake", None) == "Taak afgerond: Intake"
    assert event_text("task_completed", "Task_PipVaststellen", None, "PIP opstellen en vaststellen") == \
        "Taak afgerond: PIP opstellen en vaststellen"  # the name in the process, not the element id
    assert event_text("something_new", None, None) == "something new"
    i18n.set_language("en")
    assert event_text("case_started", None, None) == "Case started"


def test_identity_line_shortens_the_longer_list_to_fit():
    roles = ["coordinator", "klantmanager", "regio", "trainer", "uitvoerder"]
    gemeenten = ["GM0014", "GM0344", "GM0363", "GM1680"]
    line = identity_line(roles, gemeenten, 78)
    assert line == "Rollen: coordinator, klantmanager +3 · Gemeenten: GM0014, GM0344, GM0363 +1"
    assert identity_line(["klantmanager"], [], 78) == "Rollen: klantmanager · Gemeenten: geen"


def item(task_id, role="klantmanager", assignee=None, gemeente="GM0363"):
    return WorkItem(task_id, "case", "p", "T", "Taak", role, gemeente, None, assignee, None)


def test_the_next_task_is_mine_first_then_an_unclaimed_one():
    # The engine lists only tasks the user may see (tests/test_rights.py), so the choice is about claims.
    anna = UserInfo("anna")
    assert next_task((item("a", assignee="bert"), item("b")), anna).id == "b"
    assert next_task((item("a"), item("b", assignee="anna")), anna).id == "b"
    assert next_task((item("a", assignee="bert"),), anna) is None


def test_engine_errors_are_worded_in_the_users_language():
    schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 4}, "x": {"type": "string"}},
              "required": ["x"]}
    engine_errors = [("n", "9 is greater than the maximum of 4"), ("x", "is required"), ("(form)", "odd")]
    assert localize_errors(schema, {"n": 9}, engine_errors) == [
        ("n", "Mag maximaal 4 zijn."), ("x", "Dit veld is verplicht."), ("(form)", "odd")]


def test_error_modal_headings():
    from engine import Conflict, InvalidInput, NotFound
    from engine.errors import NotAllowed

    assert describe(NotFound("case 'x' does not exist")) == ("Niet gevonden", "case 'x' does not exist")
    assert describe(InvalidInput("bad"))[0] == "Ongeldige invoer"
    title, message = describe(Conflict("task t is already claimed by bert (a coordinator can take it over: "
                                       "traject claim TASK --take-over)"))
    assert (title, message) == ("Conflict", "De taak is al geclaimd door bert.")  # no CLI syntax in the app
    assert describe(Conflict("task t is no longer open (already completed)"))[1] == (
        "Deze taak is inmiddels afgerond of door iemand anders gewijzigd.")
    refused = NotAllowed("not allowed: anna may not open task 367c (trainer, GM0363)", user="anna",
                         action="task.view", resource="task 367c (trainer, GM0363)")
    assert describe(refused) == ("Niet toegestaan", "U mag deze taak niet openen (GM0363).")
    claimed = NotAllowed("not allowed: anna may not complete task t (claimed by demo; it must be released or "
                         "taken over first)", user="anna", action="task.complete")
    assert describe(claimed)[1].startswith("De taak is geclaimd door demo")
    title, message = describe(RuntimeError("boom"))
    assert (title, message) == ("Fout", "Er ging iets mis: RuntimeError: boom")
