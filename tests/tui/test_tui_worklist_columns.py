"""Worklist columns: the task title gets the width first, the person's name second, and a column that
is "–" on every row takes no space. Checked with every task title of the shipped library."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from textual.widgets import DataTable
from tui_app_fixtures import settle, table_rows

from engine import Settings, build_engine
from engine.demo.seed import seed_demo
from tui import column_plan as cp
from tui.app import TrajectApp
from tui.i18n import t

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
HEADERS = {key: t(key) for key in cp.ORDER}
LONG_NAME = "Lizz van der Stael de Jonge-Feltzer"


def library_titles() -> list[str]:
    titles = set()
    for path in PROCESSES.glob("*.bpmn"):
        for tag in ("userTask", "manualTask"):
            titles |= {el.get("name") for el in etree.parse(str(path)).iter(BPMN + tag) if el.get("name")}
    return sorted(titles)


def row(title: str, assignee: str = cp.EMPTY, person: str = "Jan de Vries") -> dict[str, str]:
    return {cp.DEADLINE: "04-03-26 ~", cp.TASK: title, cp.PERSON: person, cp.BSN: "******333",
            cp.STAGE: "inburgering", cp.ROLE: "klantmanager", cp.ASSIGNEE: assignee, cp.CASE: "1dea4671"}


def visible(plan: list[tuple[str, int]], width: int) -> dict[str, int]:
    """The columns that are on screen without scrolling, with their widths."""
    shown, used = {}, cp.SCROLLBAR
    for key, cells in plan:
        used += cells + cp.PADDING
        if used > width:
            break
        shown[key] = cells
    return shown


def test_the_library_has_long_titles():
    titles = library_titles()
    assert len(titles) > 30 and max(len(title) for title in titles) > 40


@pytest.mark.parametrize("width", [100, 120])
def test_every_library_title_is_whole_at_100_columns_and_up(width):
    for title in library_titles():
        shown = visible(cp.plan_columns(HEADERS, [row(title, person=LONG_NAME)], width), width)
        assert shown[cp.TASK] >= len(title), title
        assert cp.fit(title, shown[cp.TASK]) == title
        assert shown[cp.PERSON] >= cp.PERSON_MIN


def test_at_80_columns_the_title_still_comes_first():
    titles = [title for title in library_titles() if len(title) <= 40]
    shown = visible(cp.plan_columns(HEADERS, [row(title) for title in titles], 80), 80)
    assert list(shown)[:3] == [cp.DEADLINE, cp.TASK, cp.PERSON]
    assert shown[cp.TASK] == max(len(title) for title in titles)


def test_the_name_gets_the_width_left_after_the_title():
    plan = dict(cp.plan_columns(HEADERS, [row("Intake", person=LONG_NAME)], 120))
    assert plan[cp.TASK] == len("Intake") and plan[cp.PERSON] == len(LONG_NAME)


def test_a_column_that_is_empty_on_every_row_takes_no_space():
    plan = dict(cp.plan_columns(HEADERS, [row("Intake"), row("Tolk boeken")], 120))
    assert cp.ASSIGNEE not in plan
    plan = dict(cp.plan_columns(HEADERS, [row("Intake"), row("Tolk boeken", assignee="anna")], 120))
    assert plan[cp.ASSIGNEE] == len(HEADERS[cp.ASSIGNEE])


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    seed_demo(Settings(db_url=url, user="demo", now=NOW), people=30)
    return url


NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("width", [100, 120])
async def test_on_the_demo_every_task_title_reads_whole(demo_url, width):
    app = TrajectApp(build_engine(Settings(db_url=demo_url, user="demo", now=NOW)))
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#worklist", DataTable)
        titles = [item.title for item in app.screen.items]
        assert len(titles) > 15
        keys = [key.value for key in table.columns]
        assert keys[:3] == [cp.DEADLINE, cp.TASK, cp.PERSON]
        assert [r[1] for r in table_rows(table)] == titles  # no title cut
        assert cp.ASSIGNEE not in keys  # nobody claimed anything in the demo
        assert sum(table.columns[key].width + cp.PADDING for key in table.columns
                   if key.value in (cp.DEADLINE, cp.TASK, cp.PERSON)) <= width
