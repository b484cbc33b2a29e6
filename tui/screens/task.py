"""Taak: the task's instructions above its form, the case's key data beside it (below, folded, when
the terminal is narrow). ctrl+s sends the form; the engine's field errors show at their fields; after
completing, the next open task of the same case for this user opens, else the worklist returns."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Collapsible, Footer, Markdown, Static

from engine import CaseDetail, CompletionResult, FormInvalid, FormSpec, UserInfo, WorkItem
from tui.format import days_left_text, fmt_date, mask_bsn
from tui.i18n import t
from tui.screens.base import EngineScreen, bind
from tui.widgets import SchemaForm, localize_errors
from tui.widgets.key_data import key_rows, render_rows

WIDE = 110  # from this width the key data stands beside the form


def next_task(open_tasks: tuple[WorkItem, ...], user: UserInfo | None) -> WorkItem | None:
    """The case's next task for this user: one assigned to them, else an unassigned one of their roles."""
    if user is None:
        return None
    mine = [item for item in open_tasks if item.assignee == user.name]
    if mine:
        return mine[0]
    # The engine lists only the open tasks this user may see, so any unclaimed one is theirs to take.
    return next((item for item in open_tasks if item.assignee is None), None)


class TaskScreen(EngineScreen):
    LOCATION = "nav.task"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]

    class Loaded(Message):
        def __init__(self, form: FormSpec, case: CaseDetail) -> None:
            super().__init__()
            self.form, self.case = form, case

    class Rejected(Message):
        """The engine refused the form data; `errors` are its (field path, message) pairs."""

        def __init__(self, data: dict, errors: list[tuple[str, str]]) -> None:
            super().__init__()
            self.data, self.errors = data, errors

    class Completed(Message):
        def __init__(self, result: CompletionResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, task_id: str) -> None:
        super().__init__(classes="task-screen")
        self.task_id = task_id
        self.spec: FormSpec | None = None
        self.case: CaseDetail | None = None  # stays None for an outside executor (no dossier rights)
        self.sending = False
        bind(self, [("escape", "back", "action.back"), ("ctrl+s", "submit", "action.save")])

    def compose(self) -> ComposeResult:
        yield self.header()
        if self.spec is None:
            yield Static(t("task.loading"), id="task-title")
            yield Footer(compact=True)
            return
        yield Static(self.title_line(), id="task-title")
        if self.spec.assignee and self.spec.assignee != self.engine.identity()[0]:
            yield Static(t("task.held_by", name=self.spec.assignee), id="task-held-by")
        with Vertical(id="task-body"):
            narrow = self.app.size.width < WIDE
            if self.case is not None:
                with Collapsible(title=t("task.case_data"), collapsed=narrow, id="task-side"):
                    yield Static(render_rows(key_rows(self.case, self.engine.clock())), id="task-case-data")
            with Vertical(id="task-main"):
                with Collapsible(title=t("task.instructions"), collapsed=False, id="task-instructions"):
                    with VerticalScroll(id="task-instructions-scroll"):
                        yield Markdown(self.spec.instructions or t("task.no_instructions"))
                yield SchemaForm(self.spec.schema or {"type": "object", "properties": {}}, self.spec.ui_schema,
                                 self.spec.data, id="task-form")
        yield Footer(compact=True)

    def title_line(self) -> Content:
        item = self.work_item()
        parts: list = [(self.spec.title, "bold")]
        if self.case is not None:
            summary = self.case.summary
            if summary.person_name:
                parts += [" · ", summary.person_name]
            if summary.bsn:
                parts += [" ", (mask_bsn(summary.bsn), "$text-muted")]
            parts += [" · ", summary.gemeente]
        if item and item.due:
            parts += [" · ", t("col.due"), " ", fmt_date(item.due), " (", days_left_text(item.due, self.engine.clock()), ")"]
        return Content.assemble(*parts)

    def work_item(self) -> WorkItem | None:
        return next((item for item in self.case.open_tasks if item.id == self.task_id), None) if self.case else None

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="task", exit_on_error=False)
    def load(self) -> None:
        form = self.engine.get_form(self.task_id)
        user = self.app.user
        case = self.engine.show_case(form.case_id) if user is None or user.may("case.view") else None
        self.post_message(self.Loaded(form, case))

    async def on_task_screen_loaded(self, message: Loaded) -> None:
        self.spec, self.case = message.form, message.case
        await self.recompose()

    @property
    def form(self) -> SchemaForm | None:
        forms = self.query(SchemaForm)
        return forms.first() if forms else None

    # ------------------------------------------------------------------------------ submitting
    def action_submit(self) -> None:
        if self.form is not None:
            self.form.action_submit()  # checks the types, then posts SchemaForm.Submitted

    @on(SchemaForm.Submitted, "#task-form")
    def send(self, event: SchemaForm.Submitted) -> None:
        if not self.sending:
            self.sending = True
            self.complete(event.data)

    @work(thread=True, exclusive=True, group="task", exit_on_error=False)
    def complete(self, data: dict) -> None:
        try:
            result = self.engine.complete_task(self.task_id, data, actor=self.engine.settings.user)
        except FormInvalid as error:
            self.post_message(self.Rejected(data, list(error.errors)))
            return
        self.post_message(self.Completed(result))

    def on_task_screen_rejected(self, message: Rejected) -> None:
        self.sending = False
        if self.form is not None:
            self.form.show_errors(localize_errors(self.form.schema, message.data, message.errors))

    def on_task_screen_completed(self, message: Completed) -> None:
        self.sending = False
        result = message.result
        if result.incident is not None:
            self.app.show_error_text(t("error.incident"), f"{t('task.incident')}\n\n{result.incident.message}")
            return
        following = next_task(result.open_tasks, self.app.user)
        if following is not None:
            self.notify(t("task.next", title=following.title))
            self.app.switch_screen(TaskScreen(following.id))
        else:
            self.notify(t("task.completed"))
            self.app.pop_screen()

    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        self.sending = False
        if self.spec is None:  # the task could not even be opened (done by someone else, gone): go back
            message.stop()
            self.app.pop_screen()
            self.app.show_error(message.error)

    def action_back(self) -> None:
        self.app.pop_screen()
