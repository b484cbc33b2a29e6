"""The attendance screen of a group session: one row per participant still to register, one key per
state (present, absent, excused; at a ceremony also refused), one save for the whole group, and moving
one participant to another planned session. Opened with Enter from the sessions screen."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from engine import InvalidInput
from engine.calendar_nl import AMSTERDAM
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind
from tui.widgets.app_footer import AppFooter
from tui.widgets.fitted_table import FittedTable

STATES = {"aanwezig": "sessions.present", "no_show": "sessions.absent", "afgemeld": "sessions.excused",
          "geweigerd": "sessions.refused", "ingeschreven": "sessions.open"}


class AttendanceScreen(EngineScreen):
    """One row per participant still to register; a key per state; one save for the whole group."""

    LOCATION = "nav.attendance"

    class Loaded(Answer):
        def __init__(self, session) -> None:
            super().__init__()
            self.session = session

    class Saved(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class Moved(Message):
        def __init__(self, case_id: str) -> None:
            super().__init__()
            self.case_id = case_id

    def __init__(self, session_id: str, title: str, kind: str) -> None:
        super().__init__(id="attendance-screen")
        self.session_id, self.title, self.kind = session_id, title, kind
        self.participants: list = []
        self.states: dict[str, str] = {}  # case id -> chosen outcome (unsaved)
        self.with_bsn = True  # set on mount from the user's grants
        self.starts_at = None  # the session's start, once loaded
        keys = [("a", "state('aanwezig')", "sessions.present"), ("n", "state('no_show')", "sessions.absent"),
                ("f", "state('afgemeld')", "sessions.excused"), ("v", "move", "action.move"),
                ("s", "save", "action.save"), ("escape", "back", "action.back")]
        if kind == "ceremonie":
            keys.insert(3, ("w", "state('geweigerd')", "sessions.refused"))
        bind(self, keys)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(t("sessions.attendance_of", title=self.title), id="attendance-title")
        yield FittedTable(cursor_type="row", zebra_stripes=True, id="attendance")
        yield Static("", id="attendance-status")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        user = self.app.user
        self.with_bsn = not (user is not None and user.restricted)  # an outside executor sees no BSN
        bsn = [t("sessions.col_bsn")] if self.with_bsn else []
        table.add_columns(t("sessions.col_person"), *bsn, t("sessions.col_gemeente"), t("sessions.col_state"))
        table.focus()
        self.load()

    ACTION_ABILITIES = {"move": "session.plan"}

    @work(thread=True, exclusive=True, group="attendance", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.engine.show_session(self.session_id)))

    def on_attendance_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.starts_at = message.session.at
        self.participants = [p for p in message.session.participants or () if p.status == "ingeschreven"]
        self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for p in self.participants:
            state = self.states.get(p.case_id, "ingeschreven")
            bsn = [p.bsn or "-"] if self.with_bsn else []
            table.add_row(p.person_name or "-", *bsn, p.gemeente, t(STATES[state]), key=p.case_id)
        if self.participants and row is not None:
            table.move_cursor(row=min(row, len(self.participants) - 1))
        open_ = len(self.participants) - len(self.states)
        status = (t("sessions.to_register", open=open_, total=len(self.participants)) if self.participants
                  else t("sessions.no_participants"))
        self.query_one("#attendance-status", Static).update(status)

    def action_state(self, state: str) -> None:
        table = self.query_one(DataTable)
        if not self.participants or table.cursor_row is None:
            return
        current = table.cursor_row
        self.states[self.participants[current].case_id] = state
        self.fill()
        table.move_cursor(row=min(current + 1, len(self.participants) - 1))

    def action_save(self) -> None:
        if not self.states:
            return
        by_state: dict[str, list[str]] = {}
        for case_id, state in self.states.items():
            by_state.setdefault(state, []).append(case_id)
        if self.starts_at is None or self.starts_at <= self.engine.clock():
            self.save(by_state)
            return
        # Saved before the session, it counts as held and its participants move on: ask first.
        from tui.screens.confirm import ConfirmModal

        question = t("sessions.early_question", title=self.title, at=f"{self.starts_at.astimezone(AMSTERDAM):%d-%m-%Y %H:%M}")
        self.app.push_screen(ConfirmModal(t("sessions.early_title"), question, t("sessions.early_yes"),
                                          t("sessions.early_no")), lambda yes: self.save(by_state) if yes else None)

    @work(thread=True, exclusive=True, group="attendance-save", exit_on_error=False)
    def save(self, by_state: dict[str, list[str]]) -> None:
        if not by_state:
            raise InvalidInput("nothing to register")
        self.engine.register_attendance(self.session_id, present=by_state.get("aanwezig", ()),
                                        absent=by_state.get("no_show", ()), excused=by_state.get("afgemeld", ()),
                                        refused=by_state.get("geweigerd", ()))
        self.post_message(self.Saved(sum(len(v) for v in by_state.values())))

    def action_move(self) -> None:
        table = self.query_one(DataTable)
        if self.participants and table.cursor_row is not None:
            self.offer_moves(self.participants[table.cursor_row])

    @work(thread=True, exclusive=True, group="attendance-move", exit_on_error=False)
    def offer_moves(self, participant) -> None:
        others = [s for s in self.engine.list_sessions(kind=self.kind, status="gepland")
                  if s.id != self.session_id and s.enrolled < s.capacity]
        self.app.call_from_thread(self._ask_where, participant, others)

    def _ask_where(self, participant, others: list) -> None:
        from tui.screens.session_move import MoveModal

        def chosen(target: str | None) -> None:
            if target:
                self.move(participant.case_id, target)

        self.app.push_screen(MoveModal(participant.person_name or "-", others), chosen)

    @work(thread=True, exclusive=True, group="attendance-move", exit_on_error=False)
    def move(self, case_id: str, target: str) -> None:
        self.engine.move_to_session(case_id, self.session_id, target)
        self.post_message(self.Moved(case_id))

    def on_attendance_screen_moved(self, message: Moved) -> None:
        self.states.pop(message.case_id, None)
        self.notify(t("sessions.moved"))
        self.load()

    def on_attendance_screen_saved(self, message: Saved) -> None:
        self.notify(t("sessions.registered", count=message.count))
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()
