"""Opgeslagen filters (f on the worklist): save the worklist's current filter (view, stage, role,
search) under a name, or pick a saved one. The filters are stored per user in the database
(engine/saved_filters.py), so they are there after the app restarts.

Dismisses with the WorklistFilter to apply, or None (saved only, or cancelled). The list and the writes
go through thread workers like every engine call; a failed call reaches the app's error modal.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from engine import WorklistFilter
from tui.format import stage_label
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind


def describe(wanted: WorklistFilter) -> str:
    """One line saying what a filter asks for: 'Mijn werk · Fase: Intake · zoekt "Jansen"'."""
    parts = [t("worklist.view_mine" if wanted.view == "mine" else "worklist.view_team")]
    if wanted.stage:
        parts.append(t("filters.stage", stage=stage_label(wanted.stage)))
    if wanted.role:
        parts.append(t("filters.role", role=wanted.role))
    if wanted.search:
        parts.append(t("filters.search", search=wanted.search))
    return " · ".join(parts)


class SavedFiltersModal(EngineScreen, ModalScreen[WorklistFilter | None]):
    class Listed(Answer):
        def __init__(self, filters: list[WorklistFilter]) -> None:
            super().__init__()
            self.filters = filters

    def __init__(self, current: WorklistFilter) -> None:
        super().__init__(classes="filters-modal")
        self.current = current  # the worklist's filter now, without a name yet
        self.filters: list[WorklistFilter] = []
        bind(self, [("escape", "cancel", "action.back"), ("delete", "delete", "filters.delete")])

    def compose(self) -> ComposeResult:
        with Vertical(id="filters-box") as box:
            box.border_title = t("filters.title")
            yield Static(t("filters.current", filter=describe(self.current)), id="filters-current")
            yield Input(placeholder=t("filters.name_placeholder"), id="filters-name", max_length=60)
            yield Static("", id="filters-error")
            yield Static(t("filters.loading"), id="filters-empty")
            yield OptionList(id="filters-options").set_styles("display: none;")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="filters", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Listed(self.engine.saved_filters()))

    def on_saved_filters_modal_listed(self, message: Listed) -> None:
        if message.stale:
            return
        self.filters = message.filters
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Content.assemble((f.name, "bold"), "  ", describe(f)), id=f.name)
                             for f in self.filters])
        options.display = bool(self.filters)  # no empty box under "no saved filters yet"
        self.query_one("#filters-empty", Static).update(t("filters.none") if not self.filters
                                                         else t("filters.pick"))
        if self.filters:
            options.highlighted = 0
        if self.filters and not self.query_one(Input).value:
            options.focus()  # something to pick: start there; typing a name is one tab away

    @on(Input.Submitted, "#filters-name")
    def save(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:
            self.query_one("#filters-error", Static).update(t("filters.name_needed"))
            return
        self.store(WorklistFilter(name, self.current.view, self.current.stage, self.current.role,
                                  self.current.search))

    @work(thread=True, exclusive=True, group="filters", exit_on_error=False)
    def store(self, wanted: WorklistFilter) -> None:
        saved = self.engine.save_filter(wanted)
        self.app.call_from_thread(self.notify, t("filters.saved", name=saved.name))
        self.app.call_from_thread(self.dismiss, None)

    @on(OptionList.OptionSelected, "#filters-options")
    def pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next((f for f in self.filters if f.name == event.option.id), None)
        if chosen is not None:
            self.dismiss(chosen)

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if not options.has_focus or options.highlighted is None:
            return
        self.remove_filter(self.filters[options.highlighted].name)

    @work(thread=True, exclusive=True, group="filters", exit_on_error=False)
    def remove_filter(self, name: str) -> None:
        self.engine.delete_filter(name)
        self.app.call_from_thread(self.notify, t("filters.deleted", name=name))
        self.post_message(self.Listed(self.engine.saved_filters()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def apply_filter(screen, chosen: WorklistFilter | None) -> None:
    """Set the worklist's filter bar to `chosen` (the bar's Changed events read the list again). A role
    the user no longer holds is skipped with a word, never set: the role list offers only held roles."""
    from textual.widgets import Select

    if chosen is None:
        return
    screen.query_one("#view", Select).value = chosen.view
    screen.query_one("#stage", Select).value = chosen.stage or Select.NULL
    roles = screen.query_one("#role", Select)
    held = set(screen.app.user.roles) if screen.app.user else set()
    if chosen.role and chosen.role not in held:
        screen.notify(t("filters.role_gone", name=chosen.name, role=chosen.role), severity="warning")
        roles.value = Select.NULL
    else:
        roles.value = chosen.role or Select.NULL
    screen.query_one("#search", Input).value = chosen.search or ""
    screen.notify(t("filters.applied", name=chosen.name))
