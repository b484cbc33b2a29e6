"""Taak: the task's instructions above its form, the case's key data beside it (below, folded, when
the terminal is narrow). ctrl+s sends the form; the engine's field errors show at their fields; after
completing, the next open task of the same case for this user opens, else the worklist returns."""
from __future__ import annotations

from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Collapsible, Markdown, Static

from engine import CaseDetail, CompletionResult, FormDraft, FormInvalid, FormSpec, UserInfo, WorkItem
from tui.format import days_left_text, fmt_date, fmt_datetime, mask_bsn, sees_technical
from tui.i18n import t
from tui.screens.base import EngineScreen, bind
from tui.widgets import SchemaForm, localize_errors
from tui.widgets.app_footer import AppFooter
from tui.widgets.key_data import key_rows, render_rows

WIDE = 110  # from this width the key data stands beside the form
TALL = 32  # below this height the instructions start folded, so the form gets most of the screen


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
        def __init__(self, form: FormSpec, case: CaseDetail, draft: FormDraft | None, labels: dict) -> None:
            super().__init__()
            self.form, self.case, self.draft, self.labels = form, case, draft, labels

    class Rejected(Message):
        """The engine refused the form data; `errors` are its (field path, message) pairs."""

        def __init__(self, data: dict, errors: list[tuple[str, str]]) -> None:
            super().__init__()
            self.data, self.errors = data, errors

    class Completed(Message):
        def __init__(self, result: CompletionResult, data: dict) -> None:
            super().__init__()
            self.result, self.data = result, data

    def __init__(self, task_id: str) -> None:
        super().__init__(classes="task-screen")
        self.task_id = task_id
        self.spec: FormSpec | None = None
        self.case: CaseDetail | None = None  # stays None for an outside executor (no dossier rights)
        self.draft: FormDraft | None = None
        self.labels: dict = {}
        self.sending = False
        bind(self, [("escape", "back", "action.back_keep"), ("ctrl+s", "submit", "action.save"),
                    ("f2", "toggle('#task-instructions')", "action.instructions"),
                    ("f3", "toggle('#task-side')", "action.case_data")])
        # In the palette, not the footer: at 80 columns the footer has room for the four above only.
        bind(self, [("ctrl+g", "discard_draft", "action.discard_draft")], show=False)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "toggle" and parameters == ("#task-side",) and self.spec is not None and self.case is None:
            return False  # an outside executor has no case data panel: f3 is not offered
        return super().check_action(action, parameters)

    def compose(self) -> ComposeResult:
        yield self.header()
        if self.spec is None:
            yield Static(t("task.loading"), id="task-title")
            yield AppFooter(compact=True)
            return
        yield Static(self.title_line(), id="task-title")
        if self.spec.assignee and self.spec.assignee != self.engine.identity()[0]:
            yield Static(t("task.held_by", name=self.spec.assignee), id="task-held-by")
        with Vertical(id="task-body"):
            narrow, short = self.app.size.width < WIDE, self.app.size.height < TALL
            if self.case is not None:
                with Collapsible(title=t("task.case_data"), collapsed=narrow, id="task-side"):
                    with VerticalScroll(id="task-case-data-scroll"):
                        yield Static(render_rows(key_rows(self.case, self.engine.clock(), labels=self.labels)),
                                     id="task-case-data")
            with Vertical(id="task-main"):
                with Collapsible(title=t("task.instructions"), collapsed=short, id="task-instructions"):
                    with VerticalScroll(id="task-instructions-scroll"):
                        yield Markdown(self.spec.instructions or t("task.no_instructions"))
                data = {**self.spec.data, **self.draft.data} if self.draft else self.spec.data
                yield SchemaForm(self.spec.schema or {"type": "object", "properties": {}}, self.spec.ui_schema,
                                 data, id="task-form")
        yield AppFooter(compact=True)

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
        draft = self.engine.get_draft(self.task_id, actor=self.engine.settings.user)
        self.post_message(self.Loaded(form, case, draft, self.engine.field_labels(form.case_id)))

    async def on_task_screen_loaded(self, message: Loaded) -> None:
        self.spec, self.case, self.draft = message.form, message.case, message.draft
        self.labels = message.labels
        await self.recompose()
        self.refresh_bindings()  # f3 only with a case data panel (check_action)
        if self.draft:
            self.notify(t("task.draft_restored", when=fmt_datetime(self.draft.updated_at)))

    # ------------------------------------------------------------------------------ drafts
    def keep_draft(self, wait: bool = False) -> bool:
        """Store what was typed, if anything changed. In an app worker (it outlives this screen), or
        right here when the app is closing (`wait`). True when a draft was stored."""
        form = self.form
        if form is None or self.sending or not form.changed:
            return False
        data, user = form.draft_data(), self.engine.settings.user
        if wait:
            self.engine.save_draft(self.task_id, data, actor=user)
        else:
            self.app.run_worker(partial(self.engine.save_draft, self.task_id, data, actor=user), thread=True,
                                group="draft", exit_on_error=False)
        return True

    def action_discard_draft(self) -> None:
        from tui.screens.confirm import ConfirmModal

        if self.form is None or not (self.draft or self.form.changed):
            self.notify(t("task.no_draft"))
            return

        async def answered(yes: bool | None) -> None:
            if yes:
                self.app.run_worker(partial(self.engine.discard_draft, self.task_id,
                                            actor=self.engine.settings.user), thread=True, group="draft",
                                    exit_on_error=False)
                self.draft = None
                await self.recompose()
                self.notify(t("task.draft_discarded"))

        self.app.push_screen(ConfirmModal(t("task.discard_title"), t("task.discard_question"),
                                          t("task.discard_yes"), t("task.discard_no")), answered)

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
        self.post_message(self.Completed(result, data))

    def on_task_screen_rejected(self, message: Rejected) -> None:
        self.sending = False
        if self.form is not None:
            self.form.show_errors(localize_errors(self.form.schema, message.data, message.errors))

    def on_task_screen_completed(self, message: Completed) -> None:
        self.sending = False
        result = message.result
        if result.incident is not None:
            # The task stays open; what was sent is kept as a draft so nothing need be typed again.
            self.app.run_worker(partial(self.engine.save_draft, self.task_id, message.data,
                                        actor=self.engine.settings.user), thread=True, group="draft",
                                exit_on_error=False)
            text = f"{t('task.incident')} {t('incident.plain')} {t('task.incident_draft')}"
            if sees_technical(self.app.user):
                text += "\n\n" + t("incident.technical", message=result.incident.message)
            self.app.show_error_text(t("error.incident"), text)
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

    def action_toggle(self, selector: str) -> None:
        """Open or fold the instructions (f2) or the case data (f3) from the keyboard."""
        for collapsible in self.query(selector).results(Collapsible):
            collapsible.collapsed = not collapsible.collapsed

    def action_back(self) -> None:
        if self.keep_draft():
            self.notify(t("task.draft_kept"))
        self.app.pop_screen()
