""""Wachten tot": ask for the date until which a claimed task leaves "mijn werk". Dismisses with the
date (a `date`), or None when cancelled; a date that does not parse is said under the field."""
from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.format import local, parse_day
from tui.i18n import t
from tui.screens.base import bind


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
        if day <= local(self.app.engine.clock()).date():  # the engine refuses it too, in English
            self.query_one("#follow-up-error", Static).update(t("follow_up.not_future", day=f"{day:%d-%m-%Y}"))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
