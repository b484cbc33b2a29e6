"""Nieuwe zaak: choose a process variant and one of the user's gemeenten, fill the start form, start
the case, and land on its first task (or on its dossier when there is no task for this user)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, Select, Static

from engine import CaseSummary, FormInvalid, ProcessInfo, TaskFilter, WorkItem
from tui.format import short_id, stage_label
from tui.i18n import t
from tui.screens.base import EngineScreen, bind
from tui.widgets import SchemaForm, localize_errors
from tui.widgets.app_footer import AppFooter

EMPTY_FORM = {"type": "object", "properties": {}}


class NewCaseScreen(EngineScreen):
    LOCATION = "nav.new_case"

    class Loaded(Message):
        def __init__(self, processes: list[ProcessInfo]) -> None:
            super().__init__()
            self.processes = processes

    class Started(Message):
        def __init__(self, case: CaseSummary, open_tasks: list[WorkItem]) -> None:
            super().__init__()
            self.case, self.open_tasks = case, open_tasks

    class SamePerson(Message):
        """The BSN already has a running case: ask before starting another."""

        def __init__(self, process_id: str, gemeente: str, data: dict, running: list[CaseSummary]) -> None:
            super().__init__()
            self.process_id, self.gemeente, self.data, self.running = process_id, gemeente, data, running

    class Rejected(Message):
        def __init__(self, data: dict, errors: list[tuple[str, str]]) -> None:
            super().__init__()
            self.data, self.errors = data, errors

    def __init__(self) -> None:
        super().__init__(classes="new-case-screen")
        self.processes: list[ProcessInfo] | None = None
        self.sending = False
        bind(self, [("escape", "back", "action.back"), ("ctrl+s", "submit", "action.start")])

    @property
    def gemeenten(self) -> tuple[str, ...]:
        return tuple(self.app.user.gemeenten) if self.app.user else ()

    def compose(self) -> ComposeResult:
        yield self.header()
        if self.processes is None:
            yield Static(t("new_case.loading"), classes="notice")
        elif not self.processes:
            yield Static(t("new_case.no_processes"), classes="notice")
        elif not self.gemeenten:
            yield Static(t("new_case.no_gemeenten"), classes="notice")
        else:
            only_choice = len(self.processes) == 1 and len(self.gemeenten) == 1
            with Horizontal(id="new-case-choices"):
                yield Label(t("new_case.process"))
                yield Select([(p.name or p.process_id, p.process_id) for p in self.processes], allow_blank=False,
                             value=self.processes[0].process_id, compact=True, id="process")
                yield Label(t("new_case.gemeente"))
                yield Select([(g, g) for g in self.gemeenten], allow_blank=False, value=self.gemeenten[0],
                             compact=True, id="gemeente")
            with Vertical(id="new-case-form-box"):
                yield self.start_form(self.processes[0], autofocus=only_choice)
        yield AppFooter(compact=True)

    def start_form(self, process: ProcessInfo, autofocus: bool = True) -> SchemaForm:
        return SchemaForm(process.start_schema or EMPTY_FORM, process.start_ui_schema, {}, autofocus=autofocus,
                          submit_label=t("action.start"), id="start-form")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="new-case", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded([p for p in self.engine.processes() if p.startable]))

    async def on_new_case_screen_loaded(self, message: Loaded) -> None:
        self.processes = message.processes
        await self.recompose()
        if not self.query("#process"):
            return
        if len(self.processes) > 1:  # the first real choice gets focus; with none, the form has it
            self.query_one("#process", Select).focus()
        elif len(self.gemeenten) > 1:
            self.query_one("#gemeente", Select).focus()

    @on(Select.Changed, "#process")
    async def process_changed(self, event: Select.Changed) -> None:
        process = self.chosen_process()
        form = self.query_one(SchemaForm)
        if process is None or form.schema is (process.start_schema or EMPTY_FORM):
            return
        box = self.query_one("#new-case-form-box", Vertical)
        await box.remove_children()
        await box.mount(self.start_form(process, autofocus=False))

    def chosen_process(self) -> ProcessInfo | None:
        value = self.query_one("#process", Select).value
        return next((p for p in self.processes or [] if p.process_id == value), None)

    # ------------------------------------------------------------------------------ starting
    def action_submit(self) -> None:
        forms = self.query(SchemaForm)
        if forms:
            forms.first().action_submit()

    @on(SchemaForm.Submitted, "#start-form")
    def send(self, event: SchemaForm.Submitted) -> None:
        process = self.chosen_process()
        if process is None or self.sending:
            return
        self.sending = True
        self.start(process.process_id, str(self.query_one("#gemeente", Select).value), event.data)

    @work(thread=True, exclusive=True, group="new-case", exit_on_error=False)
    def start(self, process_id: str, gemeente: str, data: dict, confirmed: bool = False) -> None:
        bsn = str(data.get("bsn") or "").strip()
        if bsn and not confirmed:
            running = [c for c in self.engine.list_cases(search=bsn, status="running") if c.bsn == bsn]
            if running:
                self.post_message(self.SamePerson(process_id, gemeente, data, running))
                return
        try:
            case = self.engine.start_case(process_id, gemeente, data, actor=self.engine.settings.user)
        except FormInvalid as error:
            self.post_message(self.Rejected(data, list(error.errors)))
            return
        self.post_message(self.Started(case, self.engine.list_tasks(TaskFilter(case_id=case.id))))

    def on_new_case_screen_same_person(self, message: SamePerson) -> None:
        from tui.screens.confirm import ConfirmModal

        first = message.running[0]
        text = t("new_case.same_person", case_id=short_id(first.id),
                 process=first.process_id, gemeente=first.gemeente, stage=stage_label(first.stage))

        def answered(yes: bool | None) -> None:
            if yes:
                self.start(message.process_id, message.gemeente, message.data, confirmed=True)
            else:
                self.sending = False
                self.notify(t("new_case.not_started"))

        self.app.push_screen(ConfirmModal(t("new_case.same_person_title"), text, t("new_case.start_anyway"),
                                          t("new_case.dont_start")), answered)

    def on_new_case_screen_rejected(self, message: Rejected) -> None:
        self.sending = False
        form = self.query_one(SchemaForm)
        form.show_errors(localize_errors(form.schema, message.data, message.errors))

    def on_new_case_screen_started(self, message: Started) -> None:
        from tui.screens.dossier import DossierScreen
        from tui.screens.task import TaskScreen, next_task

        self.notify(t("new_case.started", case_id=short_id(message.case.id)))
        first = next_task(tuple(message.open_tasks), self.app.user)
        if first is not None:
            self.app.switch_screen(TaskScreen(first.id))
        else:
            self.notify(t("new_case.no_tasks"))
            self.app.switch_screen(DossierScreen(message.case.id))

    def on_engine_screen_work_failed(self) -> None:
        self.sending = False

    def action_back(self) -> None:
        """Back to the worklist; what was typed is asked about first (a new case keeps no draft)."""
        forms = self.query(SchemaForm)
        if self.sending or not forms or not forms.first().changed:
            self.app.pop_screen()
            return
        from tui.screens.confirm import ConfirmModal

        self.app.push_screen(ConfirmModal(t("new_case.leave_title"), t("new_case.leave_question"),
                                          t("new_case.leave_yes"), t("new_case.leave_no")),
                             lambda leave: self.app.pop_screen() if leave else None)
