"""Werkvoorraad: the open tasks of the user ("mine") or of their roles in their gemeenten ("team").

Only the first page is read (PAGE rows, from the work_items table: no workflow is loaded), so the list
appears at once however many cases there are; moving the cursor to the end reads the next page.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from engine import CaseSummary, TaskFilter, UserInfo, WorkItem, WorklistFilter
from tui import column_plan as cp
from tui.format import STAGES, fmt_short_date, mask_bsn, short_id, stage_label, urgency
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind, help_text
from tui.widgets.app_footer import AppFooter
from tui.widgets.row_table import RowTable

PAGE = 60
FOUND_MAX = 20  # cases a search shows beyond the tasks: enough to find someone, short enough to read
MINE, TEAM = "mine", "team"


@dataclass(frozen=True)
class Query:
    """What the filter bar asks for, read on the UI thread and handed to the worker."""

    view: str = TEAM
    stage: str | None = None
    role: str | None = None
    search: str | None = None

    def task_filter(self, user: UserInfo, offset: int, now=None) -> TaskFilter:
        common = {"stage": self.stage, "role": self.role, "search": self.search, "limit": PAGE + 1,
                  "offset": offset}
        if self.view == MINE:  # a task waiting until a later follow-up date ("wachten tot") stays out
            return TaskFilter(assignee=user.name, waiting_until=now, **common)
        return TaskFilter(**common)  # the team: the engine lists only what this user's grants reach

    def saved(self, name: str) -> WorklistFilter:
        return WorklistFilter(name, self.view, self.stage, self.role, self.search)


class WorklistScreen(EngineScreen):
    LOCATION = "nav.worklist"

    class Loaded(Answer):
        def __init__(self, user: UserInfo, items: list[WorkItem], offset: int, has_more: bool,
                     cases: list[CaseSummary] | None = None) -> None:
            super().__init__()
            self.user, self.items, self.offset, self.has_more = user, items, offset, has_more
            self.cases = cases or []  # a search's cases without a task in this list

    class IdentityUnknown(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class NoWorklist(Message):
        def __init__(self, user: UserInfo) -> None:
            super().__init__()
            self.user = user

    class Colleagues(Message):
        def __init__(self, task_ids: list[str], names: list[str]) -> None:
            super().__init__()
            self.task_ids, self.names = task_ids, names

    class Assigned(Message):
        def __init__(self, count: int, assignee: str | None) -> None:
            super().__init__()
            self.count, self.assignee = count, assignee

    class Claimed(Message):
        def __init__(self, released: bool) -> None:
            super().__init__()
            self.released = released

    def __init__(self) -> None:
        super().__init__(id="worklist-screen")
        self.items: list[WorkItem] = []
        self.found: list[CaseSummary] = []  # rows after the tasks: searched cases with no task listed
        self.marked: set[str] = set()  # task ids selected (space) for distributing (t)
        self.has_more = False
        self.fetching = False
        self.load_failed = False
        self.asked: Query | None = None  # the filters of the last read
        bind(self, [("slash", "focus_search", "action.search"), ("n", "new_case", "action.new_case"),
                    ("c", "claim", "action.claim"), ("d", "dossier", "action.dossier"),
                    ("v", "switch_view", "action.switch_view"), ("q", "quit", "action.quit"),
                    ("r", "refresh", "action.refresh"), ("t", "assign", "action.assign"),
                    ("w", "follow_up", "action.follow_up"), ("k", "dashboard", "action.dashboard"),
                    ("f", "filters", "action.filters"),
                    ("s", "sessions", "action.sessions")])
        # r and t show from about 95 columns; all are in the palette.
        bind(self, [("escape", "leave_search", "action.back"), ("a", "audit", "action.audit"),
                    ("space", "mark", "action.mark")], show=False)

    def compose(self) -> ComposeResult:
        yield self.header()
        with Horizontal(id="worklist-filters"):
            yield Select([(t("worklist.view_team"), TEAM), (t("worklist.view_mine"), MINE)], value=TEAM,
                         allow_blank=False, compact=True, id="view")
            yield Select([(stage_label(s), s) for s in STAGES[:-1]], prompt=t("worklist.all_stages"),
                         compact=True, id="stage")
            yield Select([], prompt=t("worklist.all_roles"), compact=True, id="role")
            yield Input(placeholder=t("worklist.search_placeholder"), compact=True, id="search")
        yield RowTable(t("action.open"), help_text("action.open"), id="worklist")
        yield Static(t("worklist.loading"), id="worklist-status")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()

    def on_resize(self) -> None:
        self.fill_table()

    def on_screen_resume(self) -> None:
        # First show, and back from a task, dossier, new case or error: the list may have changed. Not
        # right after the list itself failed to load, or closing the error would only bring it back.
        if self.load_failed:
            self.load_failed = False
            return
        self.reload()

    # -------------------------------------------------------------------------------- loading
    def reload(self) -> None:
        self.asked = self.current_query()
        self.load_page(self.asked, 0)

    def current_query(self) -> Query:
        def value(selector: str) -> str | None:
            chosen = self.query_one(selector, Select).value
            return None if chosen is Select.NULL else str(chosen)

        search = self.query_one("#search", Input).value.strip() or None
        return Query(view=value("#view") or TEAM, stage=value("#stage"), role=value("#role"), search=search)

    @work(thread=True, exclusive=True, group="worklist", exit_on_error=False)
    def load_page(self, query: Query, offset: int) -> None:
        self.fetching = True
        user = self.app.user
        if user is None:
            user = self.engine.whoami()
            if not user.known:
                self.post_message(self.IdentityUnknown(user.name))
                return
        if not user.may("task.list"):  # an auditor, designer or administrator: no worklist of their own
            self.post_message(self.NoWorklist(user))
            return
        items = self.engine.list_tasks(query.task_filter(user, offset, now=self.engine.clock()))
        cases = self.search_cases(query, user, items) if offset == 0 and query.search else []
        self.post_message(self.Loaded(user, items[:PAGE], offset, len(items) > PAGE, cases))

    def search_cases(self, query: Query, user: UserInfo, items: list[WorkItem]) -> list[CaseSummary]:
        """Search reaches every case in the user's gemeenten, not only those with a task here: a
        completed case, one waiting on a timer, one whose task is another role's."""
        if not user.may("case.list"):  # an outside executor finds tasks only
            return []
        listed = {item.case_id for item in items}
        cases = self.engine.list_cases(search=query.search, limit=FOUND_MAX)  # the engine keeps to the scope
        return [case for case in cases if case.id not in listed]

    def on_worklist_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.fetching = False
        if self.app.user is None:
            self.app.set_user(message.user)
            self.refresh_bindings()
            self.query_one("#role", Select).set_options([(role, role) for role in message.user.roles])
        table = self.query_one(RowTable)
        keep = self.selected().id if self.selected() else None
        if message.offset == 0:
            self.items = []
            self.found = message.cases
        self.items.extend(message.items)
        self.has_more = message.has_more
        self.fill_table()
        if keep and keep in {item.id for item in self.items}:
            table.move_cursor(row=table.get_row_index(keep))
        self.show_status()

    def on_worklist_screen_no_worklist(self, message: NoWorklist) -> None:
        self.fetching = False
        self.app.set_user(message.user)
        self.refresh_bindings()
        auditor = message.user.may("audit.replay")
        self.query_one("#worklist-status", Static).update(t("worklist.no_worklist_auditor" if auditor
                                                            else "worklist.no_worklist"))

    # What each action needs (EngineScreen.check_action hides the others).
    ACTION_ABILITIES = {"audit": "audit.replay", "new_case": "case.start", "dossier": "case.view",
                        "claim": "task.claim", "assign": "task.takeover", "mark": "task.takeover",
                        "follow_up": "task.claim", "dashboard": "report.view", "filters": "task.list",
                        "sessions": "session.view"}

    def fill_table(self) -> None:
        """(Re)build the columns for the rows at hand and the screen's width (tui/column_plan.py): the
        title whole first, then the name. Cheap: a page is 60 rows, a long list a few pages."""
        table = self.query_one(RowTable)
        row = table.cursor_row
        now = self.engine.clock()
        texts = [self.texts(item) for item in self.items]
        case_texts = [self.case_texts(case, now) for case in self.found]
        headers = {key: t(key) for key in cp.ORDER}
        plan = cp.plan_columns(headers, texts + case_texts, self.size.width or 80)
        table.clear(columns=True)
        for key, width in plan:
            table.add_column(headers[key], width=width, key=key)
        for item, text in zip(self.items, texts, strict=True):
            table.add_row(*self.cells(item, text, plan, now), key=item.id)
        muted = Style(italic=True)  # a case, not a task: read as context
        for case, text in zip(self.found, case_texts, strict=True):
            table.add_row(*(Text(cp.fit(text[key], width), style=muted) for key, width in plan),
                          key=f"case:{case.id}")
        if 0 <= row < table.row_count:
            table.move_cursor(row=row, animate=False)

    def on_worklist_screen_identity_unknown(self, message: IdentityUnknown) -> None:
        from tui.screens.unknown_user import UnknownUserScreen

        self.app.push_screen(UnknownUserScreen(message.name))

    def texts(self, item: WorkItem) -> dict[str, str]:
        """The full text of each cell of `item`'s row, before fitting it to a column."""
        state = urgency(item.due, self.engine.clock())
        marker = {"overdue": " !", "due-soon": " ~"}.get(state or "", "")
        mark = "✓ " if item.id in self.marked else ""
        return {cp.DEADLINE: mark + fmt_short_date(item.due) + marker, cp.TASK: item.title or cp.EMPTY,
                cp.PERSON: item.person_name or cp.EMPTY, cp.BSN: mask_bsn(item.bsn) or cp.EMPTY,
                cp.STAGE: stage_label(item.stage), cp.ROLE: item.role or cp.EMPTY,
                cp.ASSIGNEE: item.assignee or cp.EMPTY, cp.CASE: short_id(item.case_id)}

    def case_texts(self, case: CaseSummary, now) -> dict[str, str]:
        """A found case without a task in the list: its state where the task title would be."""
        if case.status == "running" and case.next_timer_at:
            state = t("worklist.case_waiting", date=fmt_short_date(case.next_timer_at))
        elif case.status == "running":
            state = t("worklist.case_elsewhere")
        else:
            state = t(f"status.{case.status}")
        return {cp.DEADLINE: cp.EMPTY, cp.TASK: t("worklist.case_row", state=state),
                cp.PERSON: case.person_name or cp.EMPTY, cp.BSN: mask_bsn(case.bsn) or cp.EMPTY,
                cp.STAGE: stage_label(case.stage), cp.ROLE: cp.EMPTY, cp.ASSIGNEE: cp.EMPTY,
                cp.CASE: short_id(case.id)}

    def cells(self, item: WorkItem, texts: dict[str, str], plan, now) -> list[Text]:
        state = urgency(item.due, now)
        variables = self.app.theme_variables
        color = {"overdue": variables.get("text-error"), "due-soon": variables.get("text-warning")}.get(state or "")
        style = Style(color=color, bold=state == "overdue") if color else Style()
        mine = item.assignee and self.app.user and item.assignee == self.app.user.name
        cells = []
        for key, width in plan:
            cell = Text(cp.fit(texts[key], width), style=style)
            if key == cp.ASSIGNEE and mine:
                cell.stylize("bold")
            cells.append(cell)
        return cells

    def show_status(self) -> None:
        status = self.query_one("#worklist-status", Static)
        query = self.current_query()
        if not self.items:
            if query.search:
                status.update(t("worklist.found_cases", count=len(self.found), search=query.search)
                              if self.found else t("worklist.no_result", search=query.search))
            elif query.view == MINE and not query.stage and not query.role:
                status.update(t("worklist.empty_mine"))
            else:
                status.update(t("worklist.empty"))
            return
        now = self.engine.clock()
        states = [urgency(item.due, now) for item in self.items]
        count = len(self.items)
        parts = [t("worklist.more", count=count) if self.has_more else t("worklist.count", count=count)]
        if states.count("overdue"):
            parts.append(t("worklist.overdue", count=states.count("overdue")))
        if states.count("due-soon"):
            parts.append(t("worklist.due_soon", count=states.count("due-soon")))
        if self.found:
            parts.append(t("worklist.also_cases", count=len(self.found)))
        if self.marked:
            parts.append(t("worklist.marked", count=len(self.marked)))
        status.update(" · ".join(parts))

    @on(DataTable.RowHighlighted, "#worklist")
    def load_more_near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if self.has_more and not self.fetching and event.cursor_row >= len(self.items) - 1 - PAGE // 10:
            self.fetching = True
            self.load_page(self.current_query(), len(self.items))

    # -------------------------------------------------------------------------------- filters
    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def filter_changed(self) -> None:
        # Selects also post Changed when they are set up (and when the role list arrives): read the
        # list again only when the question really changed.
        if self.current_query() != self.asked:
            self.reload()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(RowTable).focus()

    # -------------------------------------------------------------------------------- actions
    def selected(self) -> WorkItem | None:
        table = self.query_one(RowTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def selected_case(self) -> CaseSummary | None:
        """The found case under the cursor (a row after the tasks)."""
        index = self.query_one(RowTable).cursor_row - len(self.items)
        return self.found[index] if 0 <= index < len(self.found) else None

    @on(DataTable.RowSelected, "#worklist")
    def open_task(self) -> None:
        from tui.screens.task import TaskScreen

        if item := self.selected():
            self.app.push_screen(TaskScreen(item.id))
        elif self.selected_case():
            self.action_dossier()  # a case without a task here: its dossier

    def action_dossier(self) -> None:
        from tui.screens.dossier import DossierScreen

        item, case = self.selected(), self.selected_case()
        if item or case:
            self.app.push_screen(DossierScreen(item.case_id if item else case.id))
        else:
            self.notify(t("worklist.no_selection"))

    def action_audit(self) -> None:
        from tui.screens.audit import CasePickerScreen

        self.app.push_screen(CasePickerScreen())

    def action_dashboard(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_sessions(self) -> None:
        from tui.screens.sessions import SessionsScreen

        self.app.push_screen(SessionsScreen())

    def action_new_case(self) -> None:
        from tui.screens.new_case import NewCaseScreen

        self.app.push_screen(NewCaseScreen())

    def action_claim(self) -> None:
        item, user = self.selected(), self.app.user
        if item is None or user is None:
            self.notify(t("worklist.no_selection"))
            return
        self.claim(item.id, release=item.assignee == user.name)

    # ----------------------------------------------------------------- saved filters (f)
    def action_filters(self) -> None:
        from tui.screens.saved_filters import SavedFiltersModal, apply_filter

        now = self.current_query()
        self.app.push_screen(SavedFiltersModal(now.saved("")), lambda chosen: apply_filter(self, chosen))

    # ----------------------------------------------------------------- wachten tot
    def action_follow_up(self) -> None:
        from datetime import datetime, time

        from tui.format import LOCAL
        from tui.screens.follow_up import FollowUpModal

        item, user = self.selected(), self.app.user
        if item is None or user is None or item.assignee != user.name:
            self.notify(t("follow_up.claim_first"))
            return

        def chosen(day) -> None:
            if day is not None:
                self.follow_up(item.id, datetime.combine(day, time(0, 0), tzinfo=LOCAL))

        self.app.push_screen(FollowUpModal(item.title), chosen)

    @work(thread=True, exclusive=True, group="assign", exit_on_error=False)
    def follow_up(self, task_id: str, until) -> None:
        self.engine.set_follow_up(task_id, until, actor=self.engine.settings.user)
        self.app.call_from_thread(self.notify, t("follow_up.set", date=fmt_short_date(until)))
        self.app.call_from_thread(self.reload)

    # ----------------------------------------------------------------- distributing (verdelen)
    def action_mark(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.marked.symmetric_difference_update({item.id})
        table = self.query_one(RowTable)
        row = table.cursor_row
        self.fill_table()
        table.move_cursor(row=min(row + 1, len(self.items) - 1), animate=False)
        self.show_status()

    def action_assign(self) -> None:
        chosen = [item for item in self.items if item.id in self.marked] or \
            ([self.selected()] if self.selected() else [])
        if not chosen:
            self.notify(t("worklist.no_selection"))
            return
        self.find_colleagues([item.id for item in chosen], {i.role for i in chosen if i.role},
                             {i.gemeente for i in chosen})

    @work(thread=True, exclusive=True, group="claim", exit_on_error=False)
    def find_colleagues(self, task_ids: list[str], roles: set[str], gemeenten: set[str]) -> None:
        names = self.engine.colleagues_for(task_ids)
        self.post_message(self.Colleagues(task_ids, names))

    def on_worklist_screen_colleagues(self, message: Colleagues) -> None:
        from tui.screens.assign import AssignModal

        def chosen(answer) -> None:
            if answer is not None:
                self.assign(message.task_ids, answer[1])

        self.app.push_screen(AssignModal(len(message.task_ids), message.names), chosen)

    @work(thread=True, exclusive=True, group="assign", exit_on_error=False)
    def assign(self, task_ids: list[str], assignee: str | None) -> None:
        count = self.engine.assign_tasks(task_ids, assignee, actor=self.engine.settings.user)
        self.post_message(self.Assigned(count, assignee))

    def on_worklist_screen_assigned(self, message: Assigned) -> None:
        self.marked.clear()
        self.notify(t("worklist.assigned", count=message.count, name=message.assignee) if message.assignee
                    else t("worklist.released_many", count=message.count))
        self.reload()

    @work(thread=True, exclusive=True, group="claim", exit_on_error=False)
    def claim(self, task_id: str, release: bool) -> None:
        self.engine.claim_task(task_id, actor=self.engine.settings.user, release=release)
        self.post_message(self.Claimed(release))

    def on_worklist_screen_claimed(self, message: Claimed) -> None:
        self.notify(t("worklist.released" if message.released else "worklist.claimed"))
        self.reload()

    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        self.fetching = False  # the app's modal shows the error
        if message.group == "worklist":
            self.load_failed = True
            self.query_one("#worklist-status", Static).update(t("worklist.load_failed"))

    def action_switch_view(self) -> None:
        view = self.query_one("#view", Select)
        view.value = MINE if view.value == TEAM else TEAM

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one(RowTable).focus()

    def action_refresh(self) -> None:
        self.reload()

    def action_quit(self) -> None:
        self.app.exit(0)
