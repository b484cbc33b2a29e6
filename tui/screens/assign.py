"""Choose who gets the selected tasks (a colleague holding their role), or release them.
Dismisses with ("assign", name), ("release", None), or None when cancelled."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import t
from tui.screens.base import bind

RELEASE = "\x00release"  # an option id no user name can have


class AssignModal(ModalScreen[tuple[str, str | None] | None]):
    def __init__(self, count: int, names: list[str]) -> None:
        super().__init__(classes="assign-modal")
        self.count, self.names = count, names
        bind(self, [("escape", "cancel", "action.back")])

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-box") as box:
            box.border_title = t("assign.title", count=self.count)
            if not self.names:
                yield Static(t("assign.nobody"), id="assign-nobody")
            options = [Option(Content(name), id=name) for name in self.names]
            options.append(Option(t("assign.release"), id=RELEASE))
            yield OptionList(*options, id="assign-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id
        self.dismiss(("release", None) if choice == RELEASE else ("assign", choice))

    def action_cancel(self) -> None:
        self.dismiss(None)
