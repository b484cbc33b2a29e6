"""The keys of the screen underneath, in the user's language (Textual's own help panel lists every
widget's English defaults, such as "Cursor down", beside ours)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import t
from tui.screens.base import bind


class KeysModal(ModalScreen[None]):
    """One line per key: the key, what it does, and the longer help where the texts have one."""

    def __init__(self, keys: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.keys = keys
        bind(self, [("escape", "dismiss", "action.close"), ("enter", "dismiss", None)])

    def compose(self) -> ComposeResult:
        width = max((len(key) for key, _, _ in self.keys), default=1)
        lines = [f"{key:>{width}}  {title}" + (f": {help_text}" if help_text else "")
                 for key, title, help_text in self.keys]
        with VerticalScroll(id="keys-box") as box:
            box.border_title = t("action.keys")
            yield Static(Content("\n".join(lines)), id="keys-list")
