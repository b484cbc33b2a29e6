"""(path, message) pairs from JSON Schema validation, the shape the engine also returns."""
from tui import i18n
from tui.widgets import errors_from_jsonschema

from tui_form_fixtures import INTAKE_SCHEMA

VALID = {"voertaal": "Arabisch", "taalniveau_nl": "A1", "datum_intake": "2024-03-12"}


def test_valid_data_has_no_errors():
    assert errors_from_jsonschema(INTAKE_SCHEMA, VALID) == []


def test_missing_properties_are_reported_at_their_own_path():
    errors = errors_from_jsonschema(INTAKE_SCHEMA, {"adres": {}})
    assert errors == [
        ("adres.straat", "Dit veld is verplicht."),
        ("datum_intake", "Dit veld is verplicht."),
        ("taalniveau_nl", "Dit veld is verplicht."),
        ("voertaal", "Dit veld is verplicht."),
    ]


def test_values_are_checked_with_formats_bounds_patterns_and_choices():
    data = {**VALID, "datum_intake": "12-03-2024", "aantal_kinderen": 21, "taalniveau_nl": "C2",
            "adres": {"straat": "Markt", "postcode": "1234 ab"}, "beschikbaarheid": ["zo_ochtend"]}
    assert errors_from_jsonschema(INTAKE_SCHEMA, data) == [
        ("aantal_kinderen", "Mag maximaal 20 zijn."),
        ("adres.postcode", "Heeft niet het juiste formaat."),
        ("beschikbaarheid.0", "Kies een van de toegestane waarden."),
        ("datum_intake", "Vul een geldige datum in (JJJJ-MM-DD of DD-MM-JJJJ)."),
        ("taalniveau_nl", "Kies een van de toegestane waarden."),
    ]


def test_type_errors_and_unknown_fields():
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"n": {"type": "integer"}, "s": {"type": "string"}}}
    assert errors_from_jsonschema(schema, {"n": "drie", "s": 3, "x": 1}) == [
        ("", "Onbekend veld: x."),
        ("n", "Vul een geheel getal in."),
        ("s", "Verwacht: tekst."),
    ]


def test_conditional_and_dependent_requirements_point_at_the_missing_field():
    schema = {
        "type": "object",
        "properties": {"tolk_nodig": {"type": "boolean"}, "tolk_type": {"type": "string"},
                       "kinderopvang": {"type": "boolean"}, "aantal_kinderen": {"type": "integer"}},
        "if": {"properties": {"tolk_nodig": {"const": True}}, "required": ["tolk_nodig"]},
        "then": {"required": ["tolk_type"]},
        "dependentRequired": {"kinderopvang": ["aantal_kinderen"]},
    }
    assert errors_from_jsonschema(schema, {"tolk_nodig": True, "kinderopvang": True}) == [
        ("aantal_kinderen", "Dit veld is verplicht."),
        ("tolk_type", "Dit veld is verplicht."),
    ]
    assert errors_from_jsonschema(schema, {"tolk_nodig": False}) == []


def test_messages_follow_the_language():
    i18n.set_language("en")
    assert errors_from_jsonschema(INTAKE_SCHEMA, {**VALID, "aantal_kinderen": -1}) == [
        ("aantal_kinderen", "Must be at least 0."),
    ]
