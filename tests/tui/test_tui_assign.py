"""A coordinator distributes work in the team worklist: space selects tasks, t assigns them to a
colleague holding the role (or releases them); the colleague finds them under "mijn werk"."""
from __future__ import annotations

from textual.widgets import DataTable, OptionList
from tui_app_fixtures import NOW, make_app, settle

from engine import Settings, TaskFilter, build_engine
from tui.screens.assign import AssignModal

SIZE = (100, 30)


async def test_select_two_tasks_and_give_them_to_a_colleague(db):
    url, _ = db
    app = make_app(url, user="bert")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#worklist", DataTable)
        names = [item.person_name for item in screen.items]
        for name in ("Fatima el Amrani", "Jan de Vries"):
            table.move_cursor(row=names.index(name))
            await pilot.pause()
            await pilot.press("space")
            await settle(pilot)
        assert len(screen.marked) == 2
        await pilot.press("t")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AssignModal)
        options = modal.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[:2] == ["anna", "bert"] and labels[-1] == "Vrijgeven (niemand)"
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and not screen.marked
    engine = build_engine(Settings(db_url=url, user="anna", now=NOW))
    mine = {item.person_name for item in engine.list_tasks(TaskFilter(assignee="anna"))}
    assert {"Fatima el Amrani", "Jan de Vries"} <= mine
    engine.db.dispose()
