"""The dossier's two incident actions for a coordinator: retry the failed step, or end the case.

Its own module so the dossier screen only binds the keys; the engine checks the rights again
(case.retry, case.cancel) whatever the app shows.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.i18n import t
from tui.screens.base import bind


def incident_action_allowed(screen, action: str) -> bool | None:
    """For DossierScreen.check_action: shown only on a case in error, to a user holding the ability."""
    ability = {"retry": "case.retry", "cancel_case": "case.cancel"}.get(action)
    if ability is None:
        return None  # not one of ours
    case, user = screen.case, screen.app.user
    return bool(case is not None and case.incident is not None and user is not None and user.may(ability))


class ReasonModal(ModalScreen[str | None]):
    """Asks why the case is ended; enter confirms (an empty reason is refused by the engine), escape
    cancels."""

    def __init__(self) -> None:
        super().__init__(classes="error-modal")
        bind(self, [("escape", "close", "action.close")])

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box") as box:
            box.border_title = t("incident.cancel_title")
            yield Static(t("incident.cancel_prompt"), id="error-message")
            yield Input(placeholder=t("incident.reason"), id="cancel-reason")

    def on_mount(self) -> None:
        self.query_one("#cancel-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_close(self) -> None:
        self.dismiss(None)
