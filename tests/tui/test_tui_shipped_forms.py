"""Every form shipped in schemas/ opens in SchemaForm, and its validation errors land on fields."""
import json
from pathlib import Path

import pytest
from textual.widgets import Static

from tui.widgets import errors_from_jsonschema

from tui_form_fixtures import FormApp

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
FORMS = sorted(SCHEMAS.glob("*.schema.json"))


@pytest.mark.parametrize("schema_file", FORMS, ids=[f.name.removesuffix(".schema.json") for f in FORMS])
async def test_shipped_form_opens_and_shows_its_errors(schema_file):
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    ui_file = schema_file.with_name(schema_file.name.replace(".schema.json", ".uischema.json"))
    ui_schema = json.loads(ui_file.read_text(encoding="utf-8")) if ui_file.exists() else None
    app = FormApp(schema=schema, ui_schema=ui_schema, data={})
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.form
        errors = errors_from_jsonschema(schema, form.get_data())
        form.show_errors(errors)
        await pilot.pause()
        # Every error of an empty form is about a field the form shows, not a form-level leftover.
        assert not form.query_one("#sf-form-errors", Static).display, errors
