"""Reading a JSON Schema + uiSchema into field specs, without an app."""
from tui.widgets import form_model as fm

from tui_form_fixtures import INTAKE_SCHEMA, INTAKE_UI


def by_path(fields):
    return {spec.dotted: spec for top in fields for spec in top.walk()}


def test_intake_fields_get_their_kinds_labels_and_order():
    fields = fm.build_fields(INTAKE_SCHEMA, INTAKE_UI)
    assert [f.name for f in fields] == [
        "zaak_id", "datum_intake", "voertaal", "taalniveau_nl", "geletterd", "tolk_nodig",
        "aantal_kinderen", "beschikbaarheid", "adres", "opmerkingen",
    ]
    specs = by_path(fields)
    assert {path: spec.kind for path, spec in specs.items()} == {
        "zaak_id": fm.TEXT, "datum_intake": fm.DATE, "voertaal": fm.TEXT, "taalniveau_nl": fm.RADIO,
        "geletterd": fm.BOOLEAN, "tolk_nodig": fm.BOOLEAN, "aantal_kinderen": fm.INTEGER,
        "beschikbaarheid": fm.MULTI, "adres": fm.OBJECT, "adres.straat": fm.TEXT,
        "adres.huisnummer": fm.INTEGER, "adres.postcode": fm.TEXT, "opmerkingen": fm.TEXTAREA,
    }
    assert specs["datum_intake"].required and not specs["geletterd"].required
    assert specs["adres.straat"].required
    assert specs["zaak_id"].readonly
    assert specs["taalniveau_nl"].options[1] == ("onder_A1", "Onder A1")
    assert specs["beschikbaarheid"].options[0] == ("ma_ochtend", "Ma ochtend")
    assert specs["aantal_kinderen"].help == ("Tussen 0 en 20",)
    assert specs["datum_intake"].placeholder == "JJJJ-MM-DD"
    assert specs["datum_intake"].help == ("Datumformaat: JJJJ-MM-DD",)
    assert specs["voertaal"].help == ("De taal waarin we het gesprek voeren.",)
    assert specs["adres.postcode"].help == ("Bijvoorbeeld 1234 AB",)
    assert specs["geletterd"].default is True


def test_order_wildcard_and_unlisted_names():
    schema = {"type": "object", "properties": {n: {"type": "string"} for n in "abcd"}}
    order = lambda ui: [f.name for f in fm.build_fields(schema, {"ui:order": ui})]  # noqa: E731
    assert order(["c", "*", "a"]) == ["c", "b", "d", "a"]
    assert order(["d", "x"]) == ["d", "a", "b", "c"]  # unknown names ignored, the rest follows


def test_titles_fall_back_to_names_and_ui_options_are_read():
    schema = {"type": "object", "properties": {
        "naam": {"type": "string"},
        "kleur": {"type": "string", "enum": ["r", "g"]},
        "geheim": {"type": "string"},
        "intern": {"type": "string"},
    }}
    ui = {"kleur": {"ui:options": {"enumNames": ["Rood", "Groen"]}}, "geheim": {"ui:widget": "password"},
          "intern": {"ui:widget": "hidden"}, "naam": {"ui:title": "Volledige naam", "ui:placeholder": "..."}}
    specs = by_path(fm.build_fields(schema, ui))
    assert specs["naam"].label == "Volledige naam" and specs["naam"].placeholder == "..."
    assert specs["kleur"].kind == fm.SELECT and specs["kleur"].options == (("r", "Rood"), ("g", "Groen"))
    assert specs["geheim"].kind == fm.PASSWORD
    assert specs["intern"].hidden


def test_conditional_fields_are_shown_and_marked():
    schema = {
        "type": "object",
        "properties": {"tolk_nodig": {"type": "boolean"}},
        "if": {"properties": {"tolk_nodig": {"const": True}}},
        "then": {"properties": {"tolk_type": {"type": "string", "enum": ["professioneel", "informeel"]}},
                 "required": ["tolk_type"]},
        "dependentSchemas": {"tolk_nodig": {"properties": {"tolk_taal": {"type": "string"}}}},
        "dependencies": {"tolk_nodig": {"oneOf": [{"properties": {"tolk_uren": {"type": "number"}}}]}},
    }
    specs = by_path(fm.build_fields(schema))
    assert list(specs) == ["tolk_nodig", "tolk_type", "tolk_taal", "tolk_uren"]
    assert specs["tolk_type"].conditional and not specs["tolk_type"].required
    assert not specs["tolk_nodig"].conditional
    assert specs["tolk_uren"].kind == fm.NUMBER


def test_refs_type_lists_and_recursive_schemas():
    schema = {
        "type": "object",
        "$defs": {"persoon": {"type": "object", "title": "Persoon",
                              "properties": {"naam": {"type": ["string", "null"]},
                                             "partner": {"$ref": "#/$defs/persoon"}}}},
        "properties": {"aanvrager": {"$ref": "#/$defs/persoon", "title": "Aanvrager"},
                       "bijlagen": {"type": "array", "items": {"type": "object"}}},
    }
    specs = by_path(fm.build_fields(schema))
    assert specs["aanvrager"].label == "Aanvrager" and specs["aanvrager"].kind == fm.OBJECT
    assert specs["aanvrager.naam"].kind == fm.TEXT
    assert specs["bijlagen"].kind == fm.UNSUPPORTED
    deepest = max(specs.values(), key=lambda s: len(s.path))
    assert deepest.kind in (fm.UNSUPPORTED, fm.TEXT)  # the recursion stops


def test_boolean_as_radio_gets_ja_nee():
    schema = {"type": "object", "properties": {"akkoord": {"type": "boolean"}}}
    (spec,) = fm.build_fields(schema, {"akkoord": {"ui:widget": "radio"}})
    assert spec.kind == fm.RADIO and spec.options == ((True, "Ja"), (False, "Nee"))
