"""A one-line text (a note for the dossier, the reason to cancel a session): enter saves (dismisses with
the text), escape cancels (None)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from tui.i18n import t
from tui.screens.base import bind

MAX_NOTE = 1000  # as the engine takes (engine/notes.py)


class NoteModal(ModalScreen[str | None]):
    def __init__(self, title: str | None = None, placeholder: str | None = None) -> None:
        super().__init__(classes="note-modal")
        self.title_text = title or t("note.title")
        self.placeholder = placeholder or t("note.placeholder")
        bind(self, [("escape", "cancel", "action.back")])

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box") as box:
            box.border_title = self.title_text
            yield Input(placeholder=self.placeholder, max_length=MAX_NOTE, id="note-text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
