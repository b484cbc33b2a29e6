"""Audit: pick a case, then step through its history as it happened. Read-only: nothing here changes a case.

The case picker lists the cases (newest first; type to narrow by case number or name). The auditor view
shows the case's verification (hash chain and replay: ok, or the findings) and one event at a time, with
left/right: who did what and when, the data it changed (+ added, ~ changed, - removed), the open tasks
before and after it, and how its replay went.
"""
from __future__ import annotations

import json
import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from engine import CaseSummary, ReplayReport, ReplayStep
from tui.format import fmt_datetime, humanize, short_id, truncate
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind, help_text
from tui.widgets.app_footer import AppFooter
from tui.widgets.row_table import RowTable

VALUE_WIDTH = 48  # a diff value at 80 columns, after "~ key: " (values are shortened, never wrapped)
STATUS_STYLE = {"ok": "$text-success", "info": "$text-muted", "diverged": "bold $text-error",
                "erased": "$text-warning", "not_replayed": "$text-muted"}


def finding_text(finding) -> str:
    """'gebeurtenis 2: gegevens gewijzigd: <the engine's message>'."""
    where = t("finding.where_event", seq=finding.seq) if finding.seq is not None else t("finding.where_case")
    key = f"finding.{finding.kind}"
    kind = t(key)
    return f"{where}: {finding.kind.replace('_', ' ') if kind == key else kind}: {finding.message}"


def value_text(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return truncate(text.replace("\n", " "), VALUE_WIDTH)


def tasks_text(tasks: tuple[str, ...] | None, labels: dict[str, str]) -> str:
    """The open tasks by name (as the case's events name them; else made readable from the element id)."""
    if tasks is None:
        return t("audit.unknown")
    return ", ".join(labels.get(task) or humanize(task) for task in tasks) or t("audit.none")


def rows_text(rows: list[tuple[str, str | Content]]) -> Content:
    """Aligned 'label  value' lines; a value may carry its own style."""
    width = max(len(label) for label, _ in rows)
    return Content("\n").join(Content.assemble((f"{label:<{width}}", "$text-muted"), "  ", value)
                              for label, value in rows)


# The replay's remarks (engine/audit/replay.py, in English for the JSON and the log) as the app says them.
REMARKS = (
    (re.compile(r"rolled back on its own version: not replayed on this one$"), "audit.remark_rolled_back"),
    (re.compile(r"migrated from version (?P<old>\S+) to (?P<new>\S+): the case goes on there$"),
     "audit.remark_migrated"),
    (re.compile(r"the command failed as recorded \((?P<incident>.*)\); the state stayed as it was$", re.S),
     "audit.remark_failed"),
    (re.compile(r"the state on the new version differs from the state recorded at the migration$"),
     "audit.remark_migration_differs"),
    (re.compile(r"the replayed state differs from the recorded state \(open tasks in the replay: (?P<open>.*)\)$"),
     "audit.remark_differs"),
)


def remark_text(note: str) -> str:
    """A replay remark in the interface language; one without a translation as the engine wrote it."""
    for pattern, key in REMARKS:
        if found := pattern.match(note):
            return t(key, **found.groupdict())
    return note


def what_text(step: ReplayStep) -> str:
    key = f"event.{step.type}"
    note = step.note or ""
    text = t(key, task=step.title or humanize(step.task), message=note, text=note, seq="")
    return step.type.replace("_", " ") if text == key else text.rstrip(": ")


class CasePickerScreen(EngineScreen):
    """The cases, newest first; enter opens the audit of one."""

    LOCATION = "nav.case_picker"

    class Loaded(Answer):
        def __init__(self, cases: list[CaseSummary]) -> None:
            super().__init__()
            self.cases = cases

    def __init__(self) -> None:
        super().__init__(classes="case-picker-screen")
        self.cases: list[CaseSummary] = []
        self.shown: list[CaseSummary] = []
        bind(self, [("slash", "focus_search", "action.search"), ("escape", "back", "action.back")])
        bind(self, [("r", "refresh", "action.refresh")], show=False)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Input(placeholder=t("picker.search_placeholder"), compact=True, id="picker-search")
        yield RowTable(t("action.open"), help_text("action.open_case"), id="picker-cases")
        yield Static(t("picker.loading"), id="picker-status")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        for key, width in (("col.case", 8), ("col.created", 16), ("col.person", 18), ("col.gemeente", 8),
                           ("col.status", 9)):
            table.add_column(t(key), width=width, key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.engine.list_cases()))  # newest first

    def on_case_picker_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.cases = message.cases
        self.fill()

    @on(Input.Changed, "#picker-search")
    def fill(self) -> None:
        search = self.query_one("#picker-search", Input).value.strip().lower()
        self.shown = [case for case in self.cases if not search or case.id.lower().startswith(search)
                      or search in (case.person_name or "").lower()]
        table = self.query_one(RowTable)
        table.clear()
        for case in self.shown:
            table.add_row(short_id(case.id), fmt_datetime(case.created_at), Text(truncate(case.person_name or "–", 18)),
                          case.gemeente, t(f"status.{case.status}"), key=case.id)
        status = t("picker.count", count=len(self.shown)) if self.shown else t("picker.empty")
        self.query_one("#picker-status", Static).update(status)

    @on(Input.Submitted, "#picker-search")
    def search_done(self) -> None:
        self.query_one(RowTable).focus()

    @on(DataTable.RowSelected, "#picker-cases")
    def open_case(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(AuditScreen(str(event.row_key.value)))

    def action_focus_search(self) -> None:
        self.query_one("#picker-search", Input).focus()

    def action_back(self) -> None:
        if self.focused is self.query_one("#picker-search", Input):
            self.query_one(RowTable).focus()
        else:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()


class AuditScreen(EngineScreen):
    """One case's history, one event at a time, with its verification. Reads only."""

    LOCATION = "nav.audit"

    class Loaded(Answer):
        def __init__(self, report: ReplayReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, case_id: str) -> None:
        super().__init__(classes="audit-screen")
        self.case_id = case_id
        self.report: ReplayReport | None = None
        self.index = 0
        bind(self, [("left", "previous", "action.previous_step"), ("right", "next", "action.next_step"),
                    ("escape", "back", "action.back")])
        bind(self, [("home", "first", "action.first_step"), ("end", "last", "action.last_step"),
                    ("r", "refresh", "action.refresh")], show=False)
        bind(self, [("up", "scroll('up')", None), ("down", "scroll('down')", None),
                    ("pageup", "scroll('page_up')", None), ("pagedown", "scroll('page_down')", None)], show=False)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(t("audit.loading"), id="audit-case")
        yield Static("", id="audit-verification")
        yield Static("", id="audit-step-title")
        body = VerticalScroll(Static("", id="audit-step"), id="audit-body")
        body.can_focus = False  # left/right step through the events; up/down scroll it from the screen
        yield body
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def load(self) -> None:
        # The replay listing carries the case's verification (chain and replay), as verify_cases gives it.
        self.post_message(self.Loaded(self.engine.replay_case(self.case_id)))

    def on_audit_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.report = message.report
        self.index = min(self.index, max(len(self.report.steps) - 1, 0))
        report, verification = self.report, self.report.verification
        self.query_one("#audit-case", Static).update(Content.assemble((t(
            "audit.case", case=short_id(report.case_id), process=report.process_id or "–",
            version=report.definition_version if report.definition_version is not None else "–",
            gemeente=verification.gemeente or "–"), "bold")))
        if verification.ok:
            text = Content.styled(t("audit.verified", events=verification.events), "bold $text-success")
        else:
            lines = [Content.styled(t("audit.findings", count=len(verification.findings),
                                      events=verification.events), "bold $text-error")]
            lines += [Content.styled(f"• {finding_text(f)}", "$text-error") for f in verification.findings]
            text = Content("\n").join(lines)
        self.query_one("#audit-verification", Static).update(text)
        self.show_step()

    # ------------------------------------------------------------------------------- one step
    def step(self) -> ReplayStep | None:
        steps = self.report.steps if self.report else ()
        return steps[self.index] if steps else None

    def show_step(self) -> None:
        step = self.step()
        title = self.query_one("#audit-step-title", Static)
        body = self.query_one("#audit-step", Static)
        if step is None:
            title.update("")
            body.update(t("audit.no_events"))
            return
        total = len(self.report.steps)
        title.update(Content.assemble((t("audit.step", number=self.index + 1, total=total), "bold $accent"),
                                      "  ", ("◀ " if self.index else "  ", "$text-muted"),
                                      ("▶" if self.index < total - 1 else "", "$text-muted")))
        style = STATUS_STYLE.get(step.status, "")
        replay = Content.assemble(("✓ " if step.verified else "✗ ", style), (t(f"audit.status.{step.status}"), style))
        labels = {s.task: s.title for s in self.report.steps if s.task and s.title}
        parts = [rows_text([(t("audit.who"), step.actor or "–"), (t("audit.when"), fmt_datetime(step.at)),
                            (t("audit.what"), what_text(step)), (t("audit.event"), f"{step.type} (#{step.seq})"),
                            (t("audit.replay"), replay),
                            (t("audit.open_before"), tasks_text(step.open_before, labels)),
                            (t("audit.open_after"), tasks_text(step.open_after, labels))])]
        parts += [Content(""), Content.styled(t("audit.data"), "bold $accent"), self.diff_text(step)]
        if step.findings:
            parts += [Content(""), Content.styled(t("audit.step_findings"), "bold $text-error")]
            parts += [Content.styled(f"• {finding_text(f)}", "$text-error") for f in step.findings]
        # a note's text is in "Wat" already, and an erased step's reason in "Herhaling"
        if step.note and step.type != "note_added" and step.status != "erased":
            parts += [Content(""), Content.assemble((t("audit.note"), "$text-muted"), ": ", remark_text(step.note))]
        body.update(Content("\n").join(parts))
        self.query_one("#audit-body", VerticalScroll).scroll_home(animate=False)

    def diff_text(self, step: ReplayStep) -> Content:
        diff = step.diff
        if not diff:
            return Content.styled(t("audit.no_changes"), "$text-muted")
        lines = [Content.styled(f"+ {key}: {value_text(value)}", "$text-success") for key, value in diff.added.items()]
        lines += [Content.styled(f"~ {key}: {value_text(before)} → {value_text(after)}", "$text-warning")
                  for key, (before, after) in diff.changed.items()]
        lines += [Content.styled(f"- {key}: {value_text(value)}", "$text-error") for key, value in diff.removed.items()]
        return Content("\n").join(lines)

    # ------------------------------------------------------------------------------- actions
    def go(self, index: int) -> None:
        if self.report and self.report.steps:
            index = max(0, min(index, len(self.report.steps) - 1))
            if index != self.index:
                self.index = index
                self.show_step()

    def action_previous(self) -> None:
        self.go(self.index - 1)

    def action_next(self) -> None:
        self.go(self.index + 1)

    def action_first(self) -> None:
        self.go(0)

    def action_last(self) -> None:
        self.go(len(self.report.steps) - 1 if self.report else 0)

    def action_scroll(self, how: str) -> None:
        getattr(self.query_one("#audit-body", VerticalScroll), f"scroll_{how}")(animate=False)

    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        if self.report is None:
            message.stop()
            self.app.pop_screen()
            self.app.show_error(message.error)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()
