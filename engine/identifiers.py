"""Form formats for the identifiers of a person: `bsn` and `vnummer` (JSON Schema `"format": "bsn"`).

The BSN check is python-stdnum's `nl.bsn` (a maintained implementation of the elfproef with its edge
cases, not a hand-written one). stdnum has no rule for the vreemdelingennummer, so `vnummer` is ours:
ten digits, not all zeros (the IND publishes no check digit).

The checkers are registered on jsonschema's draft 2020-12 format checker, the one the engine's form
validation and the terminal app's form errors both use, the first time this module is imported.
"""
from __future__ import annotations

from jsonschema import Draft202012Validator
from stdnum.nl import bsn as _bsn

FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
IDENTIFIER_FORMATS = {"bsn": "is geen geldig BSN (9 cijfers die de elfproef doorstaan)",
                      "vnummer": "is geen geldig V-nummer (10 cijfers)"}


def is_bsn(value: str) -> bool:
    return isinstance(value, str) and value.isdigit() and len(value) == 9 and _bsn.is_valid(value)


def is_vnummer(value: str) -> bool:
    return isinstance(value, str) and len(value) == 10 and value.isdigit() and value != "0" * 10


def mask(value: str | None) -> str | None:
    """Lists show only the last three digits (AVG: data minimisation): 123456782 -> ******782."""
    if not value:
        return value
    text = str(value)
    return "*" * max(len(text) - 3, 0) + text[-3:]


def identifier_formats() -> dict[str, str]:
    """The identifier formats and their messages; importing this module registered the checkers."""
    return dict(IDENTIFIER_FORMATS)


# A non-string is left to the schema's `type` keyword, as jsonschema's own formats do.
FORMAT_CHECKER.checks("bsn")(lambda value: not isinstance(value, str) or is_bsn(value))
FORMAT_CHECKER.checks("vnummer")(lambda value: not isinstance(value, str) or is_vnummer(value))
