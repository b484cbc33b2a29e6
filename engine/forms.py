"""Form validation: JSON Schema draft 2020-12 with format checks, errors named by field path."""
from __future__ import annotations

import json
from functools import lru_cache

from jsonschema import Draft202012Validator

from .errors import FormInvalid, InvalidInput
from .identifiers import FORMAT_CHECKER, IDENTIFIER_FORMATS


@lru_cache(maxsize=256)
def _validator(schema_text: str) -> Draft202012Validator:
    # Building a validator costs ~1 ms (schema checks, format checker); schemas of a version never change.
    return Draft202012Validator(json.loads(schema_text), format_checker=FORMAT_CHECKER)


def form_errors(schema_text: str, data: dict) -> list[tuple[str, str]]:
    """Every failing field as (dotted.path, message); the form itself is '(form)'."""
    errors = []
    for error in sorted(_validator(schema_text).iter_errors(data), key=_error_order):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = _missing_property(error)
            if missing:
                path.append(missing)
        if error.validator == "additionalProperties" and not path:
            extra = _extra_properties(error)
            for name in extra:
                errors.append((name, "is not a field of this form"))
            continue
        errors.append((".".join(path) or "(form)", _message(error)))
    return errors


def _error_order(error) -> tuple:
    return tuple(str(p) for p in error.absolute_path), error.validator


def _missing_property(error) -> str | None:
    # jsonschema words it as "'naam' is a required property"
    message = error.message
    if message.startswith("'") and "' is a required property" in message:
        return message[1: message.index("' is a required property")]
    return None


def _extra_properties(error) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    return sorted(k for k in error.instance if k not in allowed) if isinstance(error.instance, dict) else []


def _message(error) -> str:
    if error.validator == "required":
        return "is required"
    if error.validator == "format" and error.validator_value in IDENTIFIER_FORMATS:
        # jsonschema's own message quotes the value: a BSN must never appear in an error message
        return IDENTIFIER_FORMATS[error.validator_value]
    return error.message


def validate(schema_text: str | None, data: dict) -> None:
    """Raise FormInvalid naming every failing field; a task without a form accepts any object."""
    if not isinstance(data, dict):
        raise InvalidInput("form data must be a JSON object")
    if schema_text is None:
        return
    errors = form_errors(schema_text, data)
    if errors:
        raise FormInvalid(errors)
