"""No raw internals: the dossier names case data by the form titles and shows choices by their titles
(oneOf/enum + ui:enumNames), lists (availability) included."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.widgets import Static
from tui_app_fixtures import settle

from engine import Settings, build_engine
from engine.demo.seed import seed_demo
from tui.app import TrajectApp
from tui.format import scalar_items
from tui.screens.dossier import DossierScreen

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('labels') / 'demo.db'}"
    seed_demo(Settings(db_url=url, user="demo", now=NOW), people=16)
    engine = build_engine(Settings(db_url=url, user="demo", now=NOW))
    case = next(c for c in engine.list_cases() if engine.show_case(c.id).data.get("beschikbaarheid"))
    yield url, engine, case.id
    engine.db.dispose()


def test_labels_come_from_the_form_schemas(demo):
    _, engine, case_id = demo
    data = engine.show_case(case_id).data
    labels = engine.field_labels(case_id)
    assert labels["beschikbaarheid"].title == "Beschikbaarheid"
    shown = dict(scalar_items(data, limit=80, labels=labels))
    codes = data["beschikbaarheid"]
    assert shown["Beschikbaarheid"]  # a list field is shown too
    for code in codes:
        assert code not in shown["Beschikbaarheid"]  # "Maandag ochtend", not "ma_ochtend"
    assert codes[0] in dict(scalar_items(data, limit=80))["Beschikbaarheid"]  # without labels: the code


async def test_the_dossier_shows_titles_not_variable_names(demo):
    url, engine, case_id = demo
    app = TrajectApp(build_engine(Settings(db_url=url, user="demo", now=NOW)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DossierScreen(case_id))
        await settle(pilot)
        text = str(app.screen.query_one("#dossier-data", Static).render())
        assert "Beschikbaarheid" in text
        assert not any(code in text for code in engine.show_case(case_id).data["beschikbaarheid"])
