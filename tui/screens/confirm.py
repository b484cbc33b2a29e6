"""A yes/no question before something that cannot be taken back (discarding a draft, a second case for
the same person). `y`/enter on the yes button, `n`/escape for no; dismisses with True or False."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.screens.base import bind


class ConfirmModal(ModalScreen[bool]):
    def __init__(self, title: str, message: str, yes: str, no: str) -> None:
        super().__init__(classes="confirm-modal")
        self.question_title, self.message, self.yes, self.no = title, message, yes, no
        # y and j (ja) both answer yes: the Dutch labels say (j), the English ones (y).
        bind(self, [("y", "answer(True)", "action.yes"), ("j", "answer(True)", None), ("n", "answer(False)", "action.no"),
                    ("escape", "answer(False)", "action.back")])

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.question_title
            yield Static(Content(self.message), id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(self.no), id="confirm-no")
                yield Button(Content(self.yes), id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # the safe answer is the default

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

