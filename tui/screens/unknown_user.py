"""Shown instead of the worklist when the user is not in the database's user directory."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.i18n import t
from tui.screens.base import EngineScreen, bind
from tui.widgets.app_footer import AppFooter


class UnknownUserScreen(EngineScreen):
    LOCATION = "unknown_user.title"

    def __init__(self, name: str) -> None:
        super().__init__(classes="unknown-user-screen")
        self.user_name = name
        bind(self, [("q", "quit", "action.quit"), ("escape", "quit", None)])

    def compose(self) -> ComposeResult:
        yield self.header()
        with Vertical(id="unknown-user-box") as box:
            box.border_title = t("unknown_user.title")
            yield Static(Content(t("unknown_user.body", name=self.user_name)))
        yield AppFooter(compact=True)

    def action_quit(self) -> None:
        self.app.exit(1)
