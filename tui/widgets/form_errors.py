"""JSON Schema errors as (field path, message) pairs, the shape `SchemaForm.show_errors` takes.

The engine validates submitted form data itself and raises `FormInvalid(errors)` with the same pairs;
this helper lets the widget (and its tests) work without an engine. Rules, which the engine follows too:

- Draft 2020-12 with format checks (`format: date` is enforced).
- The path is the dotted `error.absolute_path` ("adres.postcode", "beschikbaarheid.0"); "" is the form.
- A missing property (`required`, `dependentRequired`) is reported at the missing property's own
  path, so the message lands under the empty field instead of on its parent.
- Pairs are sorted by path, then message, without duplicates.

Messages are the caseworker's language (`tui.i18n`), one short sentence per JSON Schema keyword; an
unknown keyword falls back to jsonschema's English message. No Textual import here: the module can
move into the engine unchanged if the engine wants to share it.
"""
from __future__ import annotations

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine import identifier_formats
from tui.i18n import t
from tui.numbers import format_number

_LIMIT_KEYWORDS = {
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "minItems", "maxItems",
}
_NUMBER_LIMITS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
_CHOICE_KEYWORDS = {"enum", "const", "oneOf", "anyOf"}


def errors_from_jsonschema(schema: dict, data: object) -> list[tuple[str, str]]:
    """Validate `data` against `schema`; every problem as (dotted field path, message)."""
    identifier_formats()  # the bsn and vnummer formats checked as the engine checks them
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    pairs = {(error_path(error), error_message(error)) for error in validator.iter_errors(data)}
    return sorted(pairs)


def error_path(error: ValidationError) -> str:
    parts = [str(part) for part in error.absolute_path]
    missing = _missing_property(error)
    if missing is not None:
        parts.append(missing)
    return ".".join(parts)


def error_message(error: ValidationError) -> str:
    keyword = error.validator
    if keyword in ("required", "dependentRequired"):
        return t("err.required")
    if keyword == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else list(expected)
        if expected in (["integer"], ["number"]):
            return t(f"err.{expected[0]}")
        return t("err.type", expected=" / ".join(t(f"type.{name}") for name in expected))
    if keyword == "format":
        if error.validator_value in ("bsn", "vnummer"):
            return t(f"err.{error.validator_value}")
        return t("err.date") if error.validator_value == "date" else t("err.format", format=error.validator_value)
    if keyword in _LIMIT_KEYWORDS:
        limit = error.validator_value
        return t(f"err.{keyword}", limit=format_number(limit) if keyword in _NUMBER_LIMITS else limit)
    if keyword in _CHOICE_KEYWORDS:
        return t("err.choice")
    if keyword == "pattern":
        return t("err.pattern")
    if keyword == "uniqueItems":
        return t("err.uniqueItems")
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(error.instance, dict):
        known = set(error.schema.get("properties") or {})
        extra = sorted(str(name) for name in error.instance if name not in known)
        return t("err.additional", names=", ".join(extra))
    return error.message


def _missing_property(error: ValidationError) -> str | None:
    """The property a `required`/`dependentRequired` error is about.

    jsonschema yields one error per missing property but keeps the name only in the message
    ("'x' is a required property", "'x' is a dependency of 'y'"), so match the candidates against it.
    """
    if error.validator == "required":
        candidates = list(error.validator_value or [])
    elif error.validator == "dependentRequired":
        candidates = [name for names in (error.validator_value or {}).values() for name in names]
    else:
        return None
    instance = error.instance if isinstance(error.instance, dict) else {}
    for name in candidates:
        if name not in instance and error.message.startswith(f"{name!r} "):
            return str(name)
    return None


def localize_errors(schema: dict | None, data: object, errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The engine's (path, message) pairs with each message in the caseworker's language.

    The engine names the fields; its messages are jsonschema's English. Where the same check run
    here finds the same path, its wording is used instead; other paths keep the engine's message.
    """
    local: dict[str, list[str]] = {}
    for path, message in errors_from_jsonschema(schema, data) if schema else []:
        local.setdefault(path, []).append(message)
    out: list[tuple[str, str]] = []
    for path, message in errors:
        key = "" if path == "(form)" else path
        if key in local:
            out.extend((path, text) for text in local.pop(key))
        elif message == "is required":
            out.append((path, t("err.required")))
        elif key not in {p for p, _ in out}:
            out.append((path, message))
    return out
