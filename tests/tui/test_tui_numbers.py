"""Dutch number input: a decimal comma is a decimal, anything ambiguous is refused, never guessed.

Typed into real form fields of every shipped form with a number field, key by key, the way a
caseworker types; the comma used to be dropped by the input, so "0,5" hours were stored as 5.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui import i18n
from tui.numbers import NumberTextError, format_number, parse_number
from tui.widgets import FormValueError
from tui.widgets import form_model as fm

from tui_form_fixtures import FormApp

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def shipped_number_fields() -> list[tuple[str, str, str]]:
    """(schema file, dotted field path, kind) for every integer and number field the library ships."""
    found = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        ui_path = path.with_name(path.name.replace(".schema.json", ".uischema.json"))
        ui = json.loads(ui_path.read_text()) if ui_path.exists() else {}
        for top in fm.build_fields(schema, ui):
            for spec in top.walk():
                if spec.kind in (fm.INTEGER, fm.NUMBER) and not spec.readonly and not spec.hidden:
                    found.append((path.name, spec.dotted, spec.kind))
    return found


NUMBER_FIELDS = [f for f in shipped_number_fields() if f[2] == fm.NUMBER]
INTEGER_FIELDS = [f for f in shipped_number_fields() if f[2] == fm.INTEGER]


def test_the_library_has_number_fields_to_check():
    names = {field for _, field, _ in NUMBER_FIELDS}
    assert len(NUMBER_FIELDS) >= 6 and INTEGER_FIELDS
    assert any("uren" in name or "tolk" in name for name in names), names


@pytest.mark.parametrize(
    ("text", "value"),
    [("0,5", 0.5), ("1.5", 1.5), ("180,50", 180.5), ("12", 12), ("-2,25", -2.25), (",5", 0.5),
     ("0,500", 0.5), (" 3 ", 3)],
)
def test_dutch_and_point_decimals_parse(text, value):
    parsed = parse_number(text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("text", "key"),
    [("1.000,5", "err.number_mixed"), ("1,000.5", "err.number_mixed"), ("1.000", "err.number_ambiguous"),
     ("2,500", "err.number_ambiguous"), ("1.000.000", "err.number"), ("5,", "err.number"),
     ("abc", "err.number"), ("-", "err.number")],
)
def test_ambiguous_or_broken_numbers_are_refused(text, key):
    with pytest.raises(NumberTextError) as caught:
        parse_number(text)
    assert caught.value.key == key


def test_thousands_separator_only_where_the_field_says_so():
    assert parse_number("1.000,5", thousands=True) == 1000.5
    assert parse_number("12.500", thousands=True) == 12500
    with pytest.raises(NumberTextError):
        parse_number("1.00,5", thousands=True)


def test_integers_refuse_a_separator():
    assert parse_number("7", integer=True) == 7
    with pytest.raises(NumberTextError) as caught:
        parse_number("3,5", integer=True)
    assert caught.value.key == "err.integer_separator"


@pytest.mark.parametrize(("value", "text"), [(0.5, "0,5"), (180.5, "180,5"), (3, "3"), (1.0, "1,0"),
                                             (1e-7, "0,0000001"), (1234567.25, "1234567,25")])
def test_numbers_show_in_dutch_notation(value, text):
    assert format_number(value) == text
    assert parse_number(text) == value  # what is shown reads back as the same number


def test_the_refusal_names_the_text_and_both_readings():
    with pytest.raises(NumberTextError) as caught:
        parse_number("1.000")
    message = i18n.t(caught.value.key, **caught.value.params)
    assert "1.000" in message and "1000" in message and "1,0" in message


async def type_into(app, pilot, field: str, text: str):
    widget = app.form.field_widget(field)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()
    return widget


def form_app(schema_file: str) -> FormApp:
    schema = json.loads((SCHEMAS / schema_file).read_text())
    ui_path = SCHEMAS / schema_file.replace(".schema.json", ".uischema.json")
    ui = json.loads(ui_path.read_text()) if ui_path.exists() else {}
    return FormApp(schema=schema, ui_schema=ui, data={})


@pytest.mark.parametrize(("schema_file", "field", "kind"), NUMBER_FIELDS)
async def test_every_shipped_number_field_takes_a_decimal_comma(schema_file, field, kind):
    app = form_app(schema_file)
    async with app.run_test(size=(100, 40)) as pilot:
        for text, expected in (("0,5", 0.5), ("1.5", 1.5), ("180,50", 180.5)):
            widget = await type_into(app, pilot, field, text)
            assert widget.value == text  # nothing swallowed while typing
            assert app.form.get_data()[field.split(".")[0]] == _nested(expected, field)
        await type_into(app, pilot, field, "1.000,5")
        with pytest.raises(FormValueError) as caught:
            app.form.get_data()
        assert [path for path, _ in caught.value.errors] == [field]
        assert "1.000,5" in caught.value.errors[0][1]


@pytest.mark.parametrize(("schema_file", "field", "kind"), INTEGER_FIELDS)
async def test_every_shipped_integer_field_refuses_a_fraction(schema_file, field, kind):
    app = form_app(schema_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_into(app, pilot, field, "12")
        assert app.form.get_data()[field.split(".")[0]] == _nested(12, field)
        await type_into(app, pilot, field, "0,5")
        with pytest.raises(FormValueError) as caught:
            app.form.get_data()
        assert caught.value.errors[0][0] == field and "0,5" in caught.value.errors[0][1]


async def test_a_stored_number_is_shown_back_with_a_comma():
    app = FormApp(schema={"type": "object", "properties": {"uren": {"type": "number", "title": "Uren"}}},
                  ui_schema={}, data={"uren": 180.5})
    async with app.run_test(size=(80, 24)):
        assert app.form.field_widget("uren").value == "180,5"
        assert app.form.get_data() == {"uren": 180.5}


def _nested(value, dotted: str):
    parts = dotted.split(".")[1:]
    for part in reversed(parts):
        value = {part: value}
    return value
