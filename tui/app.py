"""The caseworker app. `traject tui` calls `run_app(engine)`; tests build `TrajectApp(engine)` directly.

The app holds the engine and the user (looked up once, by the worklist's first load) and owns the
one error path: every screen's failed engine call arrives here as `EngineScreen.WorkFailed`.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from tui.i18n import LANGUAGES, set_language, t
from tui.live import LiveWorklist
from tui.screens.base import EngineScreen
from tui.screens.error import ErrorModal
from tui.screens.worklist import WorklistScreen
from tui.widgets.app_header import AppHeader

if TYPE_CHECKING:
    from engine import Engine, UserInfo


class TrajectApp(LiveWorklist, App[int]):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, engine: Engine, live: bool = False) -> None:
        language = engine.settings.language if engine.settings.language in LANGUAGES else "nl"
        set_language(language)  # before any screen is made: screens look their texts up when built
        super().__init__()
        self._palette_binding_in_language()
        self.engine = engine
        engine.keep_live_workflows()  # the form a caseworker opens is completed next: restored once (engine/live.py)
        self.live = live  # refresh the worklist when others change cases (tui/live.py); run_app sets it
        self.user: UserInfo | None = None
        self.title = t("app.title")
        self.sub_title = t("app.subtitle")

    def on_mount(self) -> None:
        if self.live:
            self.start_live()

    def on_unmount(self) -> None:
        self.stop_live()

    def get_default_screen(self) -> Screen:
        return WorklistScreen()

    def set_user(self, user: UserInfo) -> None:
        """Attributes down: every header on the stack shows the user from now on."""
        self.user = user
        for screen in self.screen_stack:
            for header in screen.query(AppHeader):
                header.user = user

    # ------------------------------------------------------------------------------ errors
    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        self.show_error(message.error)

    def show_error(self, error: BaseException) -> None:
        self.log.error("engine call failed", error=repr(error))
        self.push_screen(ErrorModal.for_error(error))

    def show_error_text(self, title: str, message: str) -> None:
        self.push_screen(ErrorModal(title, message))

    async def action_quit(self) -> None:
        """Closing the app keeps a half-filled task form as a draft (tui/screens/task.py)."""
        from tui.screens.task import TaskScreen

        for screen in self.screen_stack:
            if isinstance(screen, TaskScreen):
                try:
                    screen.keep_draft(wait=True)
                except Exception as error:  # noqa: BLE001 - closing must not fail; say why nothing was kept
                    self.log.error("draft not kept", error=repr(error))
        await super().action_quit()

    # ------------------------------------------------------------------------------ palette
    def _palette_binding_in_language(self) -> None:
        """Textual adds the palette's key with an English text ("palette"), which every footer shows."""
        from dataclasses import replace

        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t("action.palette"), tooltip=t("action.palette_help"))
                if b.action == "command_palette" else b for b in bindings]

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the user's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The screen's key bindings first (in the user's language), then keys, theme and quit."""
        actions: set[str] = set()
        for active in _own_bindings(screen):
            binding = active.binding
            actions.add(binding.action)
            key = binding.key_display or self.get_key_display(binding)
            # The palette reads help as markup: no square brackets around the key ("[/]" closes a tag).
            help_text = f"{binding.tooltip} · {key}" if binding.tooltip else key
            yield SystemCommand(binding.description, help_text, partial(active.node.run_action, binding.action))
        yield SystemCommand(t("action.keys"), t("action.keys_help"), self.action_show_help_panel)
        yield SystemCommand(t("action.theme"), t("action.theme_help"), self.action_change_theme)
        if not actions & {"quit", "app.quit"}:  # else the screen's own quit key is listed already
            yield SystemCommand(t("action.quit"), t("action.quit_help"), self.action_quit)

    def action_show_help_panel(self) -> None:
        """The screen's own keys in the user's language, instead of Textual's English panel."""
        from tui.screens.keys import KeysModal

        keys = [(active.binding.key_display or self.get_key_display(active.binding), active.binding.description,
                 active.binding.tooltip) for active in _own_bindings(self.screen)]
        self.push_screen(KeysModal(keys))


def _own_bindings(screen: Screen) -> list:
    """The screen's enabled bindings with a text, one per action, Textual's widget defaults left out."""
    seen: set[str] = set()
    own = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.action in seen or not active.enabled:
            continue
        if _textual_default(active.node, binding):  # a widget's own English key (Cursor down, Bottom)
            continue
        seen.add(binding.action)
        own.append(active)
    return own


def _textual_default(node, binding) -> bool:
    """True for a binding a Textual class declares itself (its text is English and not the user's)."""
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("textual."):
            continue
        for declared in cls.__dict__.get("BINDINGS", ()):
            declared = declared if isinstance(declared, Binding) else Binding(*declared)
            if declared.action == binding.action and declared.description == binding.description:
                return True
    return False


def run_app(engine: Engine) -> int:
    """Run the app until the user quits; the exit code for the CLI."""
    result = TrajectApp(engine, live=True).run()
    return result if isinstance(result, int) else 0
