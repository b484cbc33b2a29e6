"""The one error modal: every failed engine call ends here, with a heading and a plain message."""
from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.i18n import get_language, t
from tui.screens.base import bind

# Engine error classes (by name, so no engine import is needed) and the heading each gets.
_TITLES = {
    "FormInvalid": "error.form_invalid", "NotFound": "error.not_found", "InvalidInput": "error.invalid_input",
    "Conflict": "error.conflict_title", "DefinitionInvalid": "error.definition", "ScriptError": "error.script",
}


def describe(error: BaseException) -> tuple[str, str]:
    """(heading, message) for an exception, in the interface language."""
    names = [cls.__name__ for cls in type(error).__mro__]
    if "NotAllowed" in names:
        return t("error.not_allowed_title"), _refusal(error)
    if "Conflict" in names and (said := _conflict(str(error))):
        return t("error.conflict_title"), said
    is_engine_error = "EngineError" in names
    key = next((_TITLES[name] for name in names if name in _TITLES), None)
    if is_engine_error and key is None:
        title = getattr(error, "title", None) if get_language() == "nl" else None
        title = title or t("error.title")
    else:
        title = t(key) if key else t("error.title")
    message = str(error) if is_engine_error else t("error.unexpected", message=f"{type(error).__name__}: {error}")
    if "Conflict" in names:
        message = f"{t('error.conflict')}\n\n{message}"
    return title, message


class ErrorModal(ModalScreen[None]):
    """A heading, the message, and OK. Enter or escape closes it."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="error-modal")
        self.error_title = title
        self.message = message
        bind(self, [("escape", "dismiss", "action.close"), ("enter", "dismiss", None)])

    @classmethod
    def for_error(cls, error: BaseException) -> ErrorModal:
        return cls(*describe(error))

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box") as box:
            box.border_title = self.error_title
            yield Static(Content(self.message), id="error-message")
            yield Button(t("action.ok"), id="error-ok", variant="error")

    def on_mount(self) -> None:
        self.query_one("#error-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()


def _refusal(error) -> str:
    """A refusal in the interface's words: what the user may not do (the engine's sentence is English and
    names the resource the user just chose), and who holds a task claimed by someone else."""
    claimed = re.search(r"\(claimed by ([^;)]+)", str(error))
    if claimed:
        return t("error.not_allowed_claimed", user=claimed[1])
    key = f"ability.{getattr(error, 'action', '')}"
    what = t(key)
    said = t("error.not_allowed", what=what if what != key else t("ability.unknown"))
    where = sorted(set(re.findall(r"GM\d{4}", f"{getattr(error, 'resource', '')} {error}")))
    return f"{said[:-1]} ({', '.join(where)})." if where and said.endswith(".") else said


def _conflict(message: str) -> str | None:
    """The conflicts a caseworker meets, in the interface's words; None: the engine's own message."""
    if "no longer open" in message:
        return t("error.conflict")
    claimed = re.search(r"already claimed by ([^\s(]+)", message)
    return t("error.already_claimed", user=claimed[1]) if claimed else None

