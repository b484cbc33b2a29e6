""""Wachten tot": ask for the date until which a claimed task leaves "mijn werk". Dismisses with the
date (a `date`), or None when cancelled; a date that does not parse is said under the field."""
from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.i18n import t
from tui.screens.base import bind


def parse_day(text: str) -> date | None:
    """'2026-12-09' or '9-12-2026' (Dutch order) -> date; None when it is neither."""
    text = text.strip()
    try:
        if len(text.split("-")[0]) == 4:
            return date.fromisoformat(text)
        day, month, year = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


class FollowUpModal(ModalScreen[date | None]):
    def __init__(self, title: str) -> None:
        super().__init__(classes="follow-up-modal")
        self.task_title = title
        bind(self, [("escape", "cancel", "action.back")])

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box") as box:
            box.border_title = t("follow_up.title", task=self.task_title)
            yield Input(placeholder=t("follow_up.placeholder"), id="follow-up-date")
            yield Static("", id="follow-up-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        day = parse_day(event.value)
        if day is None:
            self.query_one("#follow-up-error", Static).update(t("follow_up.bad_date", text=event.value))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
