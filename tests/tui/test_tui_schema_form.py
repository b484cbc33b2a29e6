"""SchemaForm driven like a caseworker would: keyboard first, at 80x24."""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, RadioSet, Select, SelectionList, Static, TextArea

from tui import i18n
from tui.widgets import FormValueError, SchemaForm, errors_from_jsonschema
from tui.widgets.form_fields import FieldBox, Fieldset

from tui_form_fixtures import INTAKE_SCHEMA, FormApp

SIZE = (80, 24)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


async def focus(pilot, form: SchemaForm, path: str) -> None:
    form.field_widget(path).focus()
    await pilot.pause()


def error_text(form: SchemaForm, path: str) -> str:
    """The error line shown under the field at `path`, "" when none is visible."""
    widget = form.field_widget(path)
    box = widget if isinstance(widget, Fieldset) else widget.parent
    error = box.query_one(".sf-error", Static)
    return str(error.render()) if error.display else ""


async def test_every_field_type_gets_its_widget():
    app = FormApp()
    async with app.run_test(size=SIZE):
        form = app.form
        kinds = {
            "zaak_id": Input, "datum_intake": Input, "voertaal": Input, "taalniveau_nl": RadioSet,
            "geletterd": Checkbox, "tolk_nodig": Checkbox, "aantal_kinderen": Input,
            "beschikbaarheid": SelectionList, "adres": Fieldset, "adres.straat": Input,
            "adres.huisnummer": Input, "adres.postcode": Input, "opmerkingen": TextArea,
        }
        for path, widget_type in kinds.items():
            assert isinstance(form.field_widget(path), widget_type), path
        assert form.field_widget("aantal_kinderen").restrict  # digits, sign, comma, point only
        assert form.field_widget("datum_intake").placeholder == "JJJJ-MM-DD"
        assert form.field_widget("zaak_id").disabled and form.field_widget("zaak_id").value == "Z-2024-0001"
        assert form.field_widget("geletterd").value is True  # schema default
        assert form.field_widget("adres").border_title == "Adres"
        labels = [str(label.render()) for label in form.query(".sf-label")]
        assert labels[:3] == ["Zaaknummer", "Datum intake *", "Voertaal *"]
        helps = [str(s.render()) for s in form.query(".sf-help")]
        assert "Tussen 0 en 20" in helps and "Datumformaat: JJJJ-MM-DD" in helps
        # The first editable field has focus; the read-only one is skipped.
        assert app.focused is form.field_widget("datum_intake")


async def test_typed_values_come_back_typed():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await type_text(pilot, "2024-03-12")
        await pilot.press("enter")  # enter moves on to the next field
        assert app.focused is form.field_widget("voertaal")
        await type_text(pilot, "Tigrinya")
        await focus(pilot, form, "aantal_kinderen")
        await type_text(pilot, "3")
        await focus(pilot, form, "tolk_nodig")
        await pilot.press("space")
        await focus(pilot, form, "adres.huisnummer")
        await type_text(pilot, "12")
        await focus(pilot, form, "adres.straat")
        await type_text(pilot, "Markt")
        await focus(pilot, form, "opmerkingen")
        await type_text(pilot, "Liever bellen")
        assert form.get_data() == {
            "zaak_id": "Z-2024-0001", "datum_intake": "2024-03-12", "voertaal": "Tigrinya",
            "geletterd": True, "tolk_nodig": True, "aantal_kinderen": 3, "beschikbaarheid": [],
            "adres": {"straat": "Markt", "huisnummer": 12}, "opmerkingen": "Liever bellen",
        }


async def test_initial_data_is_shown_and_returned_unchanged():
    data = {"zaak_id": "Z-9", "voertaal": "Dari", "taalniveau_nl": "A2", "geletterd": False,
            "tolk_nodig": True, "datum_intake": "2024-01-31", "aantal_kinderen": 0,
            "beschikbaarheid": ["di_ochtend", "ma_middag"], "adres": {"straat": "Dorpsstraat", "huisnummer": 7,
                                                                     "postcode": "1234 AB"},
            "opmerkingen": "Twee regels\ntekst"}
    app = FormApp(data=data)
    async with app.run_test(size=SIZE):
        result = app.form.get_data()
        assert result == {**data, "beschikbaarheid": ["ma_middag", "di_ochtend"]}  # option order
        assert errors_from_jsonschema(INTAKE_SCHEMA, result) == []


async def test_a_local_type_error_shows_at_the_field_and_keeps_the_text():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await type_text(pilot, "31-02-2024")  # no such day
        await focus(pilot, form, "voertaal")
        await type_text(pilot, "Arabisch")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.submitted == []
        assert error_text(form, "datum_intake") == "Vul een geldige datum in (JJJJ-MM-DD of DD-MM-JJJJ)."
        assert form.field_widget("datum_intake").value == "31-02-2024"
        assert app.focused is form.field_widget("datum_intake")
        with pytest.raises(FormValueError) as raised:
            form.get_data()
        assert raised.value.errors == [("datum_intake", "Vul een geldige datum in (JJJJ-MM-DD of DD-MM-JJJJ).")]
        # Fixing the field hides its stale message.
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert error_text(form, "datum_intake") == ""


async def test_signs_alone_are_not_a_number():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await focus(pilot, form, "aantal_kinderen")
        await type_text(pilot, "abc-")  # the integer input only lets the sign through
        assert form.field_widget("aantal_kinderen").value == "-"
        assert form.validate_local() == [("aantal_kinderen", "Vul een geheel getal in.")]
        assert error_text(form, "aantal_kinderen") == "Vul een geheel getal in."


async def test_engine_errors_land_under_their_fields_and_focus_the_first():
    app = FormApp(data={"zaak_id": "Z-1", "aantal_kinderen": 25, "adres": {"postcode": "123 ab"}})
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await focus(pilot, form, "voertaal")
        await type_text(pilot, "Farsi")
        errors = errors_from_jsonschema(form.schema, form.get_data())
        form.show_errors(errors)
        await pilot.pause()
        assert error_text(form, "aantal_kinderen") == "Mag maximaal 20 zijn."
        assert error_text(form, "adres.postcode") == "Heeft niet het juiste formaat."
        assert error_text(form, "adres.straat") == "Dit veld is verplicht."
        assert error_text(form, "voertaal") == ""
        assert form.field_widget("voertaal").value == "Farsi"  # what the user typed stays
        assert app.focused is form.field_widget("datum_intake")  # first failing field in form order
        form.clear_errors()
        await pilot.pause()
        assert not form.query(".-has-error")


async def test_form_level_and_unknown_paths_show_at_the_top():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        form.show_errors([("", "Deze zaak is al afgesloten."), ("(form)", "Nog een fout."),
                          ("bestaat_niet", "Onbekend.")])
        await pilot.pause()
        summary = form.query_one("#sf-form-errors", Static)
        assert summary.display
        assert str(summary.render()).splitlines() == [
            "Het formulier bevat fouten:", "Deze zaak is al afgesloten.", "Nog een fout.", "bestaat_niet: Onbekend.",
        ]
        form.show_errors([("beschikbaarheid.0", "Kies een van de toegestane waarden.")])
        await pilot.pause()
        assert not summary.display  # show_errors replaces earlier errors
        assert error_text(form, "beschikbaarheid") == "Kies een van de toegestane waarden."
        assert app.focused is form.field_widget("beschikbaarheid")


async def test_ctrl_s_posts_submitted_with_the_data():
    app = FormApp(data={"voertaal": "Somali", "taalniveau_nl": "geen", "datum_intake": "2024-02-29"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.submitted == [{"voertaal": "Somali", "taalniveau_nl": "geen", "datum_intake": "2024-02-29",
                                  "geletterd": True, "tolk_nodig": False, "beschikbaarheid": []}]
        shown = {key: active.binding.description for key, active in app.screen.active_bindings.items()
                 if active.binding.show}
        assert shown["ctrl+s"] == "Opslaan"


async def test_a_date_typed_in_dutch_order_is_submitted_as_an_iso_date():
    """The app shows dates as DD-MM-JJJJ, so it takes them typed so too; the form data stays ISO."""
    app = FormApp(data={"voertaal": "Somali", "taalniveau_nl": "geen"})
    async with app.run_test(size=SIZE) as pilot:
        await focus(pilot, app.form, "datum_intake")
        await type_text(pilot, "15-11-2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.submitted and app.submitted[0]["datum_intake"] == "2026-11-15"


async def test_nested_object_fields_are_reached_with_tab():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await focus(pilot, form, "adres.straat")
        await type_text(pilot, "Kerkplein")
        await pilot.press("tab")
        await type_text(pilot, "4")
        await pilot.press("tab")
        await type_text(pilot, "9999 ZZ")
        assert app.focused is form.field_widget("adres.postcode")
        assert form.get_data()["adres"] == {"straat": "Kerkplein", "huisnummer": 4, "postcode": "9999 ZZ"}


async def test_radio_choice_with_the_keyboard():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await focus(pilot, form, "taalniveau_nl")
        assert "taalniveau_nl" not in form.get_data()
        await pilot.press("down", "down", "enter")
        assert form.get_data()["taalniveau_nl"] == "A1"


async def test_multi_select_with_the_keyboard():
    app = FormApp()
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await focus(pilot, form, "beschikbaarheid")
        await pilot.press("space", "down", "down", "down", "space")
        assert form.get_data()["beschikbaarheid"] == ["ma_ochtend", "di_middag"]
        await pilot.press("up", "up", "up", "space")
        assert form.get_data()["beschikbaarheid"] == ["di_middag"]


SMALL_SCHEMA = {
    "type": "object",
    "required": ["regime"],
    "properties": {
        "regime": {"type": "string", "title": "Regime", "enum": ["WI2013", "WI2021"]},
        "uren": {"type": "number", "title": "Tolkuren [uur]", "minimum": 0},
        "akkoord": {"type": "boolean", "title": "Akkoord"},
        "intern": {"type": "string"},
        "bijlagen": {"type": "array", "items": {"type": "object"}},
        "tolk_nodig": {"type": "boolean", "title": "Tolk nodig"},
    },
    "if": {"properties": {"tolk_nodig": {"const": True}}, "required": ["tolk_nodig"]},
    "then": {"properties": {"tolk_type": {"type": "string", "title": "Soort tolk",
                                          "enum": ["professioneel", "informeel"]}},
             "required": ["tolk_type"]},
}
SMALL_UI = {"regime": {"ui:enumNames": ["Wet inburgering 2013", "Wet inburgering 2021"]},
            "akkoord": {"ui:widget": "radio"}, "intern": {"ui:widget": "hidden"}}


async def test_select_numbers_hidden_unsupported_and_conditional_fields():
    data = {"intern": "bewaard", "bijlagen": [{"naam": "a.pdf"}]}
    app = FormApp(schema=SMALL_SCHEMA, ui_schema=SMALL_UI, data=data)
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        assert isinstance(form.field_widget("regime"), Select)
        assert isinstance(form.field_widget("akkoord"), RadioSet)
        assert "intern" not in [box.spec.name for box in form.query(FieldBox)]
        assert "Tolkuren [uur]" in [str(label.render()) for label in form.query(".sf-label")]  # not markup
        await focus(pilot, form, "regime")
        await pilot.press("enter", "down", "down", "enter")  # open, skip the blank, pick WI2021
        await focus(pilot, form, "uren")
        await type_text(pilot, "1.5")
        await focus(pilot, form, "tolk_nodig")
        await pilot.press("space")
        assert form.get_data() == {"regime": "WI2021", "uren": 1.5, "tolk_nodig": True,
                                   "intern": "bewaard", "bijlagen": [{"naam": "a.pdf"}]}
        # The field that only exists under `then` is shown; validation says it is needed now.
        assert errors_from_jsonschema(form.schema, form.get_data()) == [("tolk_type", "Dit veld is verplicht.")]
        await focus(pilot, form, "akkoord")
        await pilot.press("enter")
        assert form.get_data()["akkoord"] is True


async def test_footer_and_texts_follow_the_language():
    i18n.set_language("en")
    app = FormApp()
    async with app.run_test(size=SIZE):
        assert app.screen.active_bindings["ctrl+s"].binding.description == "Save"
        assert app.form.field_widget("datum_intake").placeholder == "YYYY-MM-DD"


async def test_an_empty_schema_does_not_crash():
    app = FormApp(schema={"type": "object"}, ui_schema=None, data=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.form.get_data() == {}
