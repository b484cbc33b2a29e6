"""Pick the session a participant moves to (`v` on the attendance screen): the other planned sessions of
the same kind with room. Dismisses with the chosen session id, or None on escape. The engine checks the
move itself (gemeente, language, stage, capacity) and does it as one action."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import t
from tui.screens.base import bind
from tui.screens.sessions import when


class MoveModal(ModalScreen[str | None]):
    def __init__(self, person: str, sessions: list) -> None:
        super().__init__(classes="note-modal")
        self.person, self.sessions = person, sessions
        bind(self, [("escape", "cancel", "action.back")])

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box") as box:
            box.border_title = t("sessions.move_title", person=self.person)
            if self.sessions:
                yield OptionList(*[Option(f"{when(s)}  {s.title}  {s.fill}", id=s.id)
                                   for s in self.sessions], id="move-options")
            else:
                yield Static(t("sessions.move_none"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
