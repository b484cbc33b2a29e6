"""What every Traject screen shares: the engine, the user, key bindings in the user's language, and
the one path by which a failed engine call reaches the error modal.

Screens call the engine only from thread workers:

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        items = self.engine.list_tasks(...)          # blocks: runs in a thread
        self.post_message(self.Loaded(items))        # result back to the UI thread as a message

    def on_..._loaded(self, message: Loaded) -> None:  # Loaded is an Answer
        if message.stale:                            # a newer load replaced this one: drop it
            return

An exception in such a worker ends it in the ERROR state; `on_worker_state_changed` turns that into
`EngineScreen.WorkFailed`, which bubbles to the app, whose single handler shows the error modal.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.worker import NoActiveWorker, Worker, WorkerState, get_current_worker

from tui.i18n import t
from tui.widgets.app_header import AppHeader

if TYPE_CHECKING:
    from engine import Engine, UserInfo


def bind(node: DOMNode, specs: Iterable[tuple[str, str, str | None]], *, show: bool = True) -> None:
    """Bind (key, action, text key) on `node`, replacing earlier bindings of the key.

    Class-level BINDINGS would fix the descriptions at import time, before the language is chosen;
    here they are looked up when the node is made. A text key of None keeps the binding off the footer.
    """
    for key, action, text_key in specs:
        description = t(text_key) if text_key else ""
        node._bindings.key_to_bindings[key] = [
            Binding(key, action, description, show=bool(show and description), key_display=_DISPLAY.get(key),
                    tooltip=help_text(text_key))
        ]


def help_text(text_key: str | None) -> str:
    """The longer text for a binding (footer tooltip, command palette), if the texts have one."""
    if not text_key:
        return ""
    key = f"{text_key}_help"
    text = t(key)
    return "" if text == key else text


_DISPLAY = {"slash": "/", "escape": "esc", "pagedown": "PgDn", "enter": "enter", "left": "←", "right": "→"}


class Answer(Message):
    """A result that a thread worker sends to its screen.

    An exclusive worker replaces an older one of its group, but a thread cannot be stopped: the older
    one runs on and sends its (older) result too, perhaps after the newer one. `stale` says so. It is
    read when the screen handles the message, on the UI thread, where the replacing happens, so the
    check cannot race it.
    """

    def __init__(self) -> None:
        super().__init__()
        try:
            self._sender: Worker | None = get_current_worker()
        except NoActiveWorker:  # sent outside a worker (tests calling directly): always current
            self._sender = None

    @property
    def stale(self) -> bool:
        return self._sender is not None and self._sender.is_cancelled


class EngineScreen(Screen):
    """A screen that reads from or writes to the engine."""

    LOCATION = "nav.worklist"  # text key of the screen's name in the header

    class WorkFailed(Message):
        """An engine call of this screen raised; `error` is the exception (an EngineError, usually)."""

        def __init__(self, error: BaseException, group: str = "") -> None:
            super().__init__()
            self.error = error
            self.group = group  # the worker group: which kind of call failed

    @property
    def engine(self) -> Engine:
        return self.app.engine

    @property
    def user(self) -> UserInfo | None:
        return self.app.user

    def header(self) -> AppHeader:
        return AppHeader(t(self.LOCATION), self.app.user, self.engine.settings.user)

    # Actions the user's grants do not allow are hidden from the footer and do nothing: action -> ability.
    ACTION_ABILITIES: dict[str, str] = {}

    def check_action(self, action: str, parameters) -> bool | None:
        needed = self.ACTION_ABILITIES.get(action)
        user = self.app.user
        return needed is None or user is None or user.may(needed)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.post_message(self.WorkFailed(event.worker.error, event.worker.group))
