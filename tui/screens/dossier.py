"""Dossier: one case at a glance. Person and key data, the stage bar, an incident if there is one,
the open tasks (enter opens one), the history (who, when, what) and the case data."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from engine import CaseDetail
from tui.format import (
    days_left_text,
    event_text,
    fmt_date,
    fmt_datetime,
    humanize,
    scalar_items,
    sees_technical,
    short_id,
)
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind, help_text
from tui.widgets.app_footer import AppFooter
from tui.widgets.case_path import render_path
from tui.widgets.fitted_table import FittedTable
from tui.widgets.key_data import key_rows, render_rows
from tui.widgets.row_table import RowTable
from tui.widgets.stage_bar import StageBar


class DossierScreen(EngineScreen):
    LOCATION = "nav.dossier"

    class Loaded(Answer):
        def __init__(self, case: CaseDetail, labels: dict) -> None:
            super().__init__()
            self.case, self.labels = case, labels

    def __init__(self, case_id: str) -> None:
        super().__init__(classes="dossier-screen")
        self.case_id = case_id
        self.case: CaseDetail | None = None
        self.labels: dict = {}
        bind(self, [("escape", "back", "action.back"), ("n", "note", "action.note"), ("a", "audit", "action.audit"),
                    ("r", "refresh", "action.refresh")])
        bind(self, [("t", "retry", "action.retry"), ("x", "cancel_case", "action.cancel_case")])

    def compose(self) -> ComposeResult:
        yield self.header()
        case = self.case
        if case is None:
            yield Static(t("dossier.loading"), id="dossier-title")
            yield AppFooter(compact=True)
            return
        now = self.engine.clock()
        with VerticalScroll(id="dossier-body"):
            yield Static(self.title_line(), id="dossier-title")
            yield StageBar(case.summary.stage, id="dossier-stages")
            if case.incident is not None:
                yield Static(self.incident_text(), id="dossier-incident")
            rows = key_rows(case, now, with_data=False)[2:]  # name and BSN are in the title line
            rows.append((t("dossier.started"), fmt_datetime(case.summary.created_at)))
            if case.waiting_timers:
                rows.append((t("dossier.next_timer"), fmt_datetime(case.waiting_timers[0])))
            yield Static(render_rows(rows), id="dossier-key-data")
            yield Label(t("dossier.open_tasks"), classes="section")
            if case.open_tasks:
                yield RowTable(t("action.open"), help_text("action.open"), id="dossier-tasks")
            else:
                yield Static(t("dossier.no_tasks"), classes="muted")
            if case.path:
                yield Label(t("dossier.path"), classes="section")
                yield Static(render_path(case.path), id="dossier-path")
            yield Label(t("dossier.history"), classes="section")
            yield FittedTable(cursor_type="row", id="dossier-history")
            data = scalar_items(case.data, limit=40, labels=self.labels)
            if data:
                yield Label(t("dossier.data"), classes="section")
                yield Static(render_rows(data, label_width=22), id="dossier-data")
        yield AppFooter(compact=True)

    def title_line(self) -> Content:
        summary = self.case.summary
        parts: list = [(summary.person_name or "–", "bold")]
        if summary.bsn:
            parts += ["  ", t("col.bsn"), " ", summary.bsn]
        parts += ["  ·  ", t("col.case"), " ", (short_id(summary.id), "$text-muted")]
        return Content.assemble(*parts)

    def incident_text(self) -> Content:
        incident = self.case.incident
        heading = t("dossier.incident_at", task=humanize(incident.task), at=fmt_datetime(incident.at))
        message = incident.message if sees_technical(self.app.user) else t("incident.plain")
        return Content.assemble((heading, "bold"), "\n", message)

    def fill_tables(self) -> None:
        case, now = self.case, self.engine.clock()
        if case.open_tasks:
            tasks = self.query_one("#dossier-tasks", RowTable)
            tasks.add_columns(t("col.task"), t("col.role"), t("col.due"), t("col.assignee"))
            for item in case.open_tasks:
                due = f"{fmt_date(item.due)} ({days_left_text(item.due, now)})" if item.due else "–"
                tasks.add_row(Text(item.title), item.role or "–", due, Text(item.assignee or "–"), key=item.id)
        history = self.query_one("#dossier-history", DataTable)
        history.add_columns(t("col.when"), t("col.who"), t("col.what"))
        technical = sees_technical(self.app.user)
        for entry in reversed(case.events):  # newest first
            what = event_text(entry.type, entry.task, entry.data, entry.title) if technical or entry.type != "incident_raised" \
                else t("event.incident_raised_plain")
            history.add_row(fmt_datetime(entry.at), Text(entry.actor or "–"), Text(what))
        if not case.events:
            history.add_row("", "", t("dossier.no_events"))

    def on_screen_resume(self) -> None:
        self.load()  # first show, and back from one of its tasks

    @work(thread=True, exclusive=True, group="dossier", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.engine.show_case(self.case_id), self.engine.field_labels(self.case_id)))

    async def on_dossier_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.case, self.labels = message.case, message.labels
        await self.recompose()
        self.fill_tables()
        self.refresh_bindings()  # the keys depend on the case (no note on an erased one)
        if self.case.open_tasks:
            # The open tasks sit under the key data, in view: the dossier stays at its top. (Scrolling
            # to them used the half-built layout and now and then went past them, to the history.)
            self.query_one("#dossier-tasks").focus(scroll_visible=False)
        else:
            self.query_one("#dossier-history").focus()

    @on(DataTable.RowSelected, "#dossier-tasks")
    def open_task(self, event: DataTable.RowSelected) -> None:
        from tui.screens.task import TaskScreen

        self.app.push_screen(TaskScreen(str(event.row_key.value)))

    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        if self.case is None:
            message.stop()
            self.app.pop_screen()
            self.app.show_error(message.error)

    ACTION_ABILITIES = {"audit": "audit.replay", "note": "case.note"}  # the audit view is the auditors'

    def check_action(self, action: str, parameters) -> bool | None:
        from tui.screens.incident_actions import incident_action_allowed

        if action == "note" and self.case is not None and self.case.summary.status == "erased":
            return False  # the erasure took the notes; a new one would bring personal data back
        allowed = incident_action_allowed(self, action)
        return allowed if allowed is not None else super().check_action(action, parameters)

    def action_note(self) -> None:
        from tui.screens.note import NoteModal

        def written(text: str | None) -> None:
            if text:
                self.add_note(text)

        self.app.push_screen(NoteModal(), written)

    # Its own group: closing the modal reloads the dossier (screen resume), which must not cancel this.
    @work(thread=True, exclusive=True, group="note", exit_on_error=False)
    def add_note(self, text: str) -> None:
        self.engine.add_note(self.case_id, text, actor=self.engine.settings.user)
        self.app.call_from_thread(self.notify, t("note.added"))
        self.load()  # replaces the resume's load, which may have read the dossier before the note

    def action_audit(self) -> None:
        from tui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen(self.case_id))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="dossier-incident", exit_on_error=False)
    def action_retry(self) -> None:
        try:
            self.engine.retry_case(self.case_id)
        finally:  # failed again: the error modal shows why, the dossier the new incident
            self.load()

    def action_cancel_case(self) -> None:
        from tui.screens.incident_actions import ReasonModal

        self.app.push_screen(ReasonModal(), self._cancel_with)

    def _cancel_with(self, reason: str | None) -> None:
        if reason is not None:
            self._cancel(reason)

    @work(thread=True, exclusive=True, group="dossier-incident", exit_on_error=False)
    def _cancel(self, reason: str) -> None:
        try:
            self.engine.cancel_case(self.case_id, reason)
        finally:
            self.load()
