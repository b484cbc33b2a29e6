"""Plan a new group session from the planning screen (`n`): one line per field, ctrl+s saves.

The engine checks every field (engine/sessions.py `checked`) and the user's right to plan for the
gemeente(n); a refusal is shown under the form and the typed values stay, so the planner corrects one
field instead of starting over. Times are Dutch wall-clock time, as on the invitation.
"""
from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from engine import EngineError
from engine.calendar_nl import AMSTERDAM
from engine.sessions import INTERPRETER_TYPES, NewSession
from tui.i18n import t
from tui.screens.base import EngineScreen, bind
from tui.screens.error import describe
from tui.widgets.app_footer import AppFooter

TIME_FORMAT = "%d-%m-%Y %H:%M"  # as Dutch planners write it; ISO 8601 is accepted too


def parse_when(text: str) -> datetime | None:
    """'10-03-2026 09:30' (or ISO 8601) as Amsterdam time; None when it is neither."""
    text = text.strip()
    for parse in (lambda s: datetime.strptime(s, TIME_FORMAT), datetime.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        return value.replace(tzinfo=AMSTERDAM) if value.tzinfo is None else value
    return None


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class NewSessionScreen(EngineScreen):
    """The fields of `traject sessions add`, one per line, to fit 80x24."""

    LOCATION = "nav.session_new"

    class Saved(Message):
        def __init__(self, title: str) -> None:
            super().__init__()
            self.title = title

    def __init__(self) -> None:
        super().__init__(id="session-new-screen")
        bind(self, [("ctrl+s", "save", "action.save"), ("escape", "back", "action.back")])

    def _row(self, text_key: str, field) -> Horizontal:
        return Horizontal(Label(t(text_key), classes="session-new-label"), field, classes="session-new-row")

    def compose(self) -> ComposeResult:
        user = self.user
        gemeenten = [g for g in (user.gemeenten if user else ()) if g != "*"]
        interpreters = [(t("sessions.no_interpreter"), "")] + [(kind, kind) for kind in INTERPRETER_TYPES]
        yield self.header()
        with VerticalScroll(id="session-new-form"):
            yield self._row("sessions.field_kind", Select([(t("sessions.kind_workshop"), "workshop"),
                                                          (t("sessions.kind_ceremonie"), "ceremonie")],
                                                         value="workshop", allow_blank=False, compact=True,
                                                         id="new-kind"))
            yield self._row("sessions.field_title", Input(compact=True, max_length=200, id="new-title"))
            yield self._row("sessions.field_at", Input(placeholder=t("sessions.at_placeholder"), compact=True,
                                                       id="new-at"))
            yield self._row("sessions.field_dagdelen", Input("1", compact=True, restrict=r"\d*", id="new-dagdelen"))
            yield self._row("sessions.field_capacity", Input("12", compact=True, restrict=r"\d*", id="new-capacity"))
            yield self._row("sessions.field_languages", Input("Nederlands", compact=True, id="new-languages"))
            yield self._row("sessions.field_interpreter", Select(interpreters, value="", allow_blank=False,
                                                                 compact=True, id="new-interpreter"))
            yield self._row("sessions.field_interpreter_language", Input(compact=True, id="new-interpreter-language"))
            # One gemeente: that one. Several: the planner chooses (all of them would make a regional session).
            # A placeholder that reads as a hint, not as a value already filled in.
            hint = t("sessions.gemeenten_placeholder", codes=", ".join(gemeenten[:2])) if gemeenten else ""
            yield self._row("sessions.field_gemeenten", Input(gemeenten[0] if len(gemeenten) == 1 else "",
                                                              placeholder=hint, compact=True, id="new-gemeenten"))
            yield self._row("sessions.field_place", Input(compact=True, max_length=200, id="new-place"))
            yield self._row("sessions.field_official", Input(compact=True, max_length=200, id="new-official"))
        yield Static(t("sessions.new_hint"), id="session-new-status")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#new-title", Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def _new_session(self) -> NewSession | str:
        """The form as a NewSession, or the text of the first field that is not even parseable."""
        at = parse_when(self._value("new-at"))
        if at is None:
            return t("sessions.bad_at", value=self._value("new-at"))
        dagdelen, capacity = _number(self._value("new-dagdelen")), _number(self._value("new-capacity"))
        if dagdelen is None or capacity is None:
            return t("sessions.bad_number")
        if not _list(self._value("new-gemeenten")):
            return t("sessions.no_gemeente")
        interpreter = self.query_one("#new-interpreter", Select).value or None
        return NewSession(kind=self.query_one("#new-kind", Select).value, title=self._value("new-title"), at=at,
                          dagdelen=dagdelen, capacity=capacity, languages=_list(self._value("new-languages")),
                          gemeenten=_list(self._value("new-gemeenten")), interpreter_type=interpreter,
                          interpreter_language=self._value("new-interpreter-language").strip() or None,
                          interpreter_booked=False, place=self._value("new-place"),
                          official=self._value("new-official").strip() or None,
                          executor=own_organisation(self.app.user))

    def action_save(self) -> None:
        new = self._new_session()
        if isinstance(new, str):
            self._refused(new)
        else:
            self.save(new)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @work(thread=True, exclusive=True, group="session-new", exit_on_error=False)
    def save(self, new: NewSession) -> None:
        view = self.engine.add_session(new)
        self.post_message(self.Saved(view.title))

    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        if isinstance(message.error, EngineError):  # a refusal: say why under the form, keep what was typed
            message.stop()
            self._refused(describe(message.error)[1])

    def _refused(self, text: str) -> None:
        status = self.query_one("#session-new-status", Static)
        status.update(t("sessions.refused_new", reason=text))
        status.add_class("error")

    def on_new_session_screen_saved(self, message: Saved) -> None:
        self.notify(t("sessions.planned", title=message.title))
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()


def own_organisation(user) -> str | None:
    """An outside executor (only `uitvoerder:ORG` grants) plans its organisation's sessions; anyone else
    the gemeente's (None: the engine's default)."""
    if user is None or not user.restricted:
        return None
    organisations = [role.split(":", 1)[1] for role in user.roles if ":" in role]
    return organisations[0] if organisations else None
