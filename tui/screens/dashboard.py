"""Dashboard (key k from the worklist): the state of the user's scope at a glance.

One line of figures (open cases, overdue tasks, near and past the legal deadline), two small bar charts
(open cases per stage, overdue tasks per role; textual-plotext) and the two lists behind the figures:
overdue tasks and the cases nearest their deadline, where enter opens the dossier. Everything comes from
one engine call (engine/dashboard.py), in SQL; the app's live feed (tui/live.py) calls `reload` when
another user changes a case, as it does for the worklist.
"""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static
from textual_plotext import PlotextPlot

from engine.dashboard import Dashboard
from tui.column_plan import fit
from tui.format import STAGES, fmt_short_date, short_id, stage_label
from tui.i18n import t
from tui.screens.base import Answer, EngineScreen, bind, help_text
from tui.widgets.app_footer import AppFooter
from tui.widgets.row_table import RowTable


class DashboardScreen(EngineScreen):
    LOCATION = "nav.dashboard"

    class Loaded(Answer):
        def __init__(self, board: Dashboard) -> None:
            super().__init__()
            self.board = board

    def __init__(self) -> None:
        super().__init__(id="dashboard-screen")
        self.board: Dashboard | None = None
        self.fetching = False
        self.load_failed = False
        bind(self, [("escape", "back", "action.back"), ("r", "refresh", "action.refresh")])
        bind(self, [("d", "dossier", "action.dossier")], show=False)  # the lists' enter says "Dossier" already

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(t("dashboard.loading"), id="dashboard-figures")
        with Horizontal(id="dashboard-charts"):
            yield PlotextPlot(id="chart-stages")
            yield PlotextPlot(id="chart-roles")
        with Horizontal(id="dashboard-lists"):
            with Vertical():
                yield Label(t("dashboard.overdue_title"), classes="dashboard-list-title")
                yield RowTable(t("action.dossier"), help_text("action.dossier_help"), id="dashboard-overdue")
            with Vertical():
                yield Label(t("dashboard.deadline_title"), classes="dashboard-list-title")
                yield RowTable(t("action.dossier"), help_text("action.dossier_help"), id="dashboard-deadline")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dashboard-overdue", RowTable).focus()

    def on_screen_resume(self) -> None:
        # First show, and back from a dossier: the figures may have moved. Not right after a failed
        # load, or closing the error would only bring it back.
        if self.load_failed:
            self.load_failed = False
            return
        self.reload()

    # -------------------------------------------------------------------------------- loading
    def reload(self) -> None:
        self.fetching = True
        self.load()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.engine.dashboard()))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        if message.stale:
            return
        self.fetching = False
        self.board = board = message.board
        self.query_one("#dashboard-figures", Static).update(self.figures_line(board))
        stages = board.figure("open_cases_per_stage").breakdown
        order = [s for s in STAGES if s in stages] + sorted(s for s in stages if s not in STAGES)
        self.draw(self.query_one("#chart-stages", PlotextPlot), t("dashboard.chart_stages"),
                  [(stage_label(s) if s != "-" else t("dashboard.no_stage"), stages[s]) for s in order])
        roles = board.figure("overdue_tasks_per_role").breakdown
        self.draw(self.query_one("#chart-roles", PlotextPlot), t("dashboard.chart_roles"),
                  sorted(roles.items(), key=lambda item: (-item[1], item[0])))
        self.fill_lists(board)

    def on_resize(self) -> None:
        if self.board is not None:
            self.fill_lists(self.board)

    def on_engine_screen_work_failed(self, message: EngineScreen.WorkFailed) -> None:
        self.fetching = False  # the app's modal shows the error
        self.load_failed = True
        self.query_one("#dashboard-figures", Static).update(t("dashboard.load_failed"))

    def figures_line(self, board: Dashboard) -> Text:
        line = Text()
        parts = [("open_cases_per_stage", "dashboard.open", ""), ("overdue_tasks_per_role", "dashboard.overdue",
                                                                    "text-error"),
                 ("near_deadline", "dashboard.near", "text-warning"), ("past_deadline", "dashboard.past",
                                                                       "text-error")]
        variables = self.app.theme_variables
        for index, (key, text_key, color) in enumerate(parts):
            value = board.figure(key).value or 0
            if index:
                line.append(" · ", style="dim")
            line.append(t(text_key) + " ")
            line.append(str(value), style=f"bold {variables.get(color, '')}" if value and color else "bold")
        return line

    def draw(self, plot: PlotextPlot, title: str, bars: list[tuple[str, int]]) -> None:
        """Horizontal bars, the first on top, each label with its count (no axis numbers to read off)."""
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        if bars:
            bars = bars[::-1]  # plotext draws the first bar at the bottom
            plt.bar([f"{label} {value}" for label, value in bars], [value for _, value in bars],
                    orientation="horizontal", width=1 / 2)
            plt.xticks([])
        else:
            plt.xticks([])
            plt.yticks([])
            plt.text(t("dashboard.nothing"), 0, 0, alignment="center")
            plt.xlim(-1, 1)
            plt.ylim(-1, 1)
        plot.refresh()

    def fill_lists(self, board: Dashboard) -> None:
        overdue = self.query_one("#dashboard-overdue", RowTable)
        deadline = self.query_one("#dashboard-deadline", RowTable)
        for table in (overdue, deadline):
            table.clear(columns=True)
        if not board.lists_shown:
            overdue.add_column(t("dashboard.figures_only"))
            return
        # Two lists side by side: the date whole, the name and the task (or stage) share the rest.
        rest = max(12, (self.size.width or 80) // 2 - 10 - 6)  # 6: cell padding and a scrollbar
        person, other = rest // 2 + 1, rest - rest // 2 - 1
        overdue.add_column(t("col.deadline"), width=8)
        overdue.add_column(t("col.person"), width=person)
        overdue.add_column(t("col.task"), width=other)
        for task in board.overdue:
            overdue.add_row(Text(fmt_short_date(task.due), style="bold"), fit(task.person_name or "-", person),
                            fit(task.title, other), key=task.task_id)
        deadline.add_column(t("dashboard.col_term"), width=10)
        deadline.add_column(t("col.person"), width=person)
        deadline.add_column(t("col.stage"), width=other - 2)
        for case in board.near_deadline:
            past = case.deadline < board.now
            deadline.add_row(Text(fmt_short_date(case.deadline) + (" !" if past else ""),
                                  style="bold" if past else ""),
                             fit(case.person_name or short_id(case.case_id), person),
                             fit(stage_label(case.stage), other - 2), key=case.case_id)

    # -------------------------------------------------------------------------------- actions
    def selected_case_id(self) -> str | None:
        """The case under the cursor of the focused list (the overdue list when neither has focus)."""
        focused = self.focused if isinstance(self.focused, RowTable) else self.query_one("#dashboard-overdue")
        board = self.board
        if board is None or not board.lists_shown:
            return None
        rows = board.overdue if focused.id == "dashboard-overdue" else board.near_deadline
        row = focused.cursor_row
        return rows[row].case_id if 0 <= row < len(rows) else None

    @on(DataTable.RowSelected)
    def open_row(self) -> None:
        self.action_dossier()

    def action_dossier(self) -> None:
        from tui.screens.dossier import DossierScreen

        case_id = self.selected_case_id()
        if case_id:
            self.app.push_screen(DossierScreen(case_id))
        else:
            self.notify(t("worklist.no_selection"))

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
