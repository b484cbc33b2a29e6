"""A realistic intake form and a tiny app hosting SchemaForm, shared by the TUI tests.

A plain module rather than conftest.py: test folders have no __init__.py, so another folder's
conftest could shadow the name `conftest`.
"""
from __future__ import annotations

import copy

from textual.app import App, ComposeResult
from textual.widgets import Footer

from tui.widgets import SchemaForm

DAGDELEN = ["ma_ochtend", "ma_middag", "di_ochtend", "di_middag", "wo_ochtend", "do_ochtend", "vr_ochtend"]

INTAKE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Intake",
    "type": "object",
    "required": ["voertaal", "taalniveau_nl", "datum_intake"],
    "properties": {
        "voertaal": {"type": "string", "title": "Voertaal", "description": "De taal waarin we het gesprek voeren."},
        "taalniveau_nl": {
            "type": "string",
            "title": "Taalniveau Nederlands",
            "oneOf": [
                {"const": "geen", "title": "Geen"},
                {"const": "onder_A1", "title": "Onder A1"},
                {"const": "A1", "title": "A1"},
                {"const": "A2", "title": "A2"},
                {"const": "B1_of_hoger", "title": "B1 of hoger"},
            ],
        },
        "geletterd": {"type": "boolean", "title": "Geletterd", "default": True},
        "tolk_nodig": {"type": "boolean", "title": "Tolk nodig"},
        "datum_intake": {"type": "string", "format": "date", "title": "Datum intake"},
        "aantal_kinderen": {"type": "integer", "title": "Aantal kinderen", "minimum": 0, "maximum": 20},
        "beschikbaarheid": {
            "type": "array",
            "title": "Beschikbaarheid",
            "items": {"type": "string", "enum": DAGDELEN},
            "uniqueItems": True,
        },
        "adres": {
            "type": "object",
            "title": "Adres",
            "required": ["straat"],
            "properties": {
                "straat": {"type": "string", "title": "Straat"},
                "huisnummer": {"type": "integer", "title": "Huisnummer", "minimum": 1},
                "postcode": {"type": "string", "title": "Postcode", "pattern": "^[1-9][0-9]{3} ?[A-Z]{2}$"},
            },
        },
        "opmerkingen": {"type": "string", "title": "Opmerkingen"},
        "zaak_id": {"type": "string", "title": "Zaaknummer", "readOnly": True},
    },
}

INTAKE_UI = {
    "ui:order": ["zaak_id", "datum_intake", "voertaal", "taalniveau_nl", "*", "opmerkingen"],
    "taalniveau_nl": {"ui:widget": "radio"},
    "beschikbaarheid": {
        "ui:widget": "checkboxes",
        "ui:enumNames": ["Ma ochtend", "Ma middag", "Di ochtend", "Di middag", "Wo ochtend", "Do ochtend",
                         "Vr ochtend"],
    },
    "adres": {"postcode": {"ui:help": "Bijvoorbeeld 1234 AB"}},
    "opmerkingen": {"ui:widget": "textarea"},
}

INTAKE_DATA = {"zaak_id": "Z-2024-0001"}


class FormApp(App[None]):
    """Hosts one SchemaForm and records what it posts."""

    def __init__(self, schema=INTAKE_SCHEMA, ui_schema=INTAKE_UI, data=INTAKE_DATA, **form_kwargs):
        super().__init__()
        self.form_args = (copy.deepcopy(schema), copy.deepcopy(ui_schema), copy.deepcopy(data))
        self.form_kwargs = form_kwargs
        self.submitted: list[dict] = []

    def compose(self) -> ComposeResult:
        yield SchemaForm(*self.form_args, id="form", **self.form_kwargs)
        yield Footer()

    def on_ready(self) -> None:
        # A blinking cursor makes screenshots differ from run to run (Textual has no global switch).
        for widget in self.query("Input, TextArea").results():
            widget.cursor_blink = False

    def on_schema_form_submitted(self, event: SchemaForm.Submitted) -> None:
        self.submitted.append(event.data)

    @property
    def form(self) -> SchemaForm:
        return self.query_one(SchemaForm)
