"""Group sessions: the planning screen (sessions by date with their fill level) and enrolling cases that
wait for a session (marked with space, filtered by language). Opened from the worklist with `s`; Enter
on a session opens its attendance screen (tui/screens/session_attendance.py)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from engine.calendar_nl import AMSTERDAM
from tui.format import mask_bsn
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind
from tui.widgets.app_footer import AppFooter
from tui.widgets.fitted_table import FittedTable

MARKS = {"gehouden": " ✓", "geannuleerd": " ✗"}  # the status beside the fill level: 80 columns are few


def when(view) -> str:
    """A session's date and time as on the invitation: Amsterdam time, short enough for 80 columns."""
    return f"{view.at.astimezone(AMSTERDAM):%d-%m %H:%M}"


def _tolk(view) -> str:
    """Short, so the planning screen fits 80 columns: 'tel Arabisch', a '?' while not booked."""
    if not view.interpreter_type:
        return "-"
    language = f" {view.interpreter_language}" if view.interpreter_language else ""
    booked = "" if view.interpreter_booked else "?"
    return f"{view.interpreter_type[:3]}{language}{booked}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class SessionsScreen(EngineScreen):
    """Sessions by date: kind, title, fill level (7/12, ✓ held, ✗ cancelled), language, interpreter."""

    LOCATION = "nav.sessions"

    class Loaded(Answer):
        def __init__(self, sessions: list) -> None:
            super().__init__()
            self.sessions = sessions

    class Cancelled(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self) -> None:
        super().__init__(id="sessions-screen")
        self.sessions: list = []
        bind(self, [("enter", "attendance", "action.attendance"), ("i", "enrol", "action.enrol"),
                    ("n", "new_session", "action.new_session"), ("x", "cancel_session", "action.cancel_session"),
                    ("r", "refresh", "action.refresh"), ("escape", "back", "action.back")])

    def compose(self) -> ComposeResult:
        yield self.header()
        yield FittedTable(cursor_type="row", zebra_stripes=True, id="sessions")
        yield Static(t("worklist.loading"), id="sessions-status")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("sessions.col_date"), t("sessions.col_kind"), t("sessions.col_title"),
                          t("sessions.col_fill"), t("sessions.col_language"), t("sessions.col_interpreter"))
        table.focus()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.engine.list_sessions()))

    def on_sessions_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.sessions = message.sessions
        table = self.query_one(DataTable)
        table.clear()
        for s in self.sessions:
            table.add_row(when(s), t(f"sessions.kind_{s.kind}"),
                          _short(s.title, 16), s.fill + MARKS.get(s.status, ""), _short(", ".join(s.languages), 10),
                          _tolk(s), key=s.id)
        status = t("sessions.count", count=len(self.sessions)) if self.sessions else t("sessions.empty")
        # only the keys this user's grants allow (a klantmanager looks, a coordinator plans)
        actions = ("attendance", "enrol", "new_session", "cancel_session") if self.sessions else ("new_session",)
        hints = [t(f"sessions.hint_{action}") for action in actions if self.check_action(action, ())]
        self.query_one("#sessions-status", Static).update(status + (f" {', '.join(hints)}." if hints else ""))

    # What each action needs (EngineScreen.check_action hides the others).
    ACTION_ABILITIES = {"attendance": "session.attend", "enrol": "session.plan", "new_session": "session.plan",
                        "cancel_session": "session.plan"}

    def _selected(self):
        table = self.query_one(DataTable)
        if not self.sessions or table.cursor_row is None or table.cursor_row >= len(self.sessions):
            return None
        return self.sessions[table.cursor_row]

    def action_attendance(self) -> None:
        from tui.screens.session_attendance import AttendanceScreen

        chosen = self._selected()
        if chosen is not None and self.check_action("attendance", ()):  # Enter on a row comes here directly
            self.app.push_screen(AttendanceScreen(chosen.id, chosen.title, chosen.kind))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_attendance()

    def action_enrol(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.app.push_screen(EnrolScreen(chosen.id, chosen.title))

    def action_new_session(self) -> None:
        from tui.screens.session_new import NewSessionScreen

        self.app.push_screen(NewSessionScreen())

    def action_cancel_session(self) -> None:
        from tui.screens.note import NoteModal

        chosen = self._selected()
        if chosen is None or chosen.status != "gepland":
            return

        def reason_given(reason: str | None) -> None:
            if reason:
                self.cancel(chosen.id, reason)

        self.app.push_screen(NoteModal(t("sessions.cancel_title", title=chosen.title),
                                       t("sessions.cancel_placeholder")), reason_given)

    @work(thread=True, exclusive=True, group="sessions-cancel", exit_on_error=False)
    def cancel(self, session_id: str, reason: str) -> None:
        outcome = self.engine.cancel_session(session_id, reason)
        self.post_message(self.Cancelled(len(outcome.delivered) + len(outcome.not_waiting)))

    def on_sessions_screen_cancelled(self, message: Cancelled) -> None:
        self.notify(t("sessions.cancelled", count=message.count))
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


class EnrolScreen(EngineScreen):
    """The cases that wait for this session and fit it (kind, gemeente, language); space marks, s saves."""

    LOCATION = "nav.enrol"

    class Loaded(Answer):
        def __init__(self, candidates: list) -> None:
            super().__init__()
            self.candidates = candidates

    class Saved(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, session_id: str, title: str) -> None:
        super().__init__(id="enrol-screen")
        self.session_id, self.title = session_id, title
        self.candidates: list = []
        self.marked: set[str] = set()
        bind(self, [("space", "mark", "action.mark"), ("s", "save", "action.save"),
                    ("escape", "back", "action.back")])

    def compose(self) -> ComposeResult:
        yield self.header()
        with Horizontal(id="enrol-filters"):
            yield Static(t("sessions.enrol_into", title=self.title), id="enrol-title")
            yield Input(placeholder=t("sessions.language_filter"), compact=True, id="enrol-language")
        yield FittedTable(cursor_type="row", zebra_stripes=True, id="enrol")
        yield Static("", id="enrol-status")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(" ", t("sessions.col_person"), t("sessions.col_bsn"), t("sessions.col_gemeente"),
                          t("sessions.col_language"), t("sessions.col_interpreter"))
        table.focus()
        self.load("")

    @on(Input.Submitted, "#enrol-language")
    def filter_language(self, event: Input.Submitted) -> None:
        event.stop()
        self.load(event.value.strip())
        self.query_one(DataTable).focus()

    @work(thread=True, exclusive=True, group="enrol", exit_on_error=False)
    def load(self, language: str) -> None:
        found = self.engine.session_candidates(session_id=self.session_id, language=language or None)
        self.post_message(self.Loaded(found))

    def on_enrol_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.candidates = message.candidates
        self.marked &= {c.case_id for c in self.candidates}
        self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for c in self.candidates:
            table.add_row("✓" if c.case_id in self.marked else " ", c.person_name or "-", mask_bsn(c.bsn),
                          c.gemeente, c.language or "-", t("action.yes") if c.needs_interpreter else t("action.no"),
                          key=c.case_id)
        if self.candidates and row is not None:
            table.move_cursor(row=min(row, len(self.candidates) - 1))
        status = (t("sessions.marked", count=len(self.marked)) if self.candidates
                  else t("sessions.no_candidates"))
        self.query_one("#enrol-status", Static).update(status)

    def action_mark(self) -> None:
        table = self.query_one(DataTable)
        if not self.candidates or table.cursor_row is None:
            return
        case_id = self.candidates[table.cursor_row].case_id
        self.marked ^= {case_id}
        self.fill()
        if table.cursor_row + 1 < len(self.candidates):
            table.move_cursor(row=table.cursor_row + 1)

    def action_save(self) -> None:
        if self.marked:
            self.save(sorted(self.marked))

    @work(thread=True, exclusive=True, group="enrol-save", exit_on_error=False)
    def save(self, case_ids: list[str]) -> None:
        self.engine.enrol_in_session(self.session_id, case_ids)
        self.post_message(self.Saved(len(case_ids)))

    def on_enrol_screen_saved(self, message: Saved) -> None:
        self.notify(t("sessions.enrolled", count=message.count))
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()
