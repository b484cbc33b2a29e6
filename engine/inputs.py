"""Checks on values that come from outside (form data, codes, the clock), before anything uses them.

Each check raises InvalidInput with one line naming what is wrong, so no input reaches a place where
it would fail with a traceback: a lone surrogate fails only when the database encodes it, deep nesting
only in a deepcopy inside SpiffWorkflow, a year-1 clock only when it is converted to UTC.
"""
from __future__ import annotations

import math
from datetime import UTC, datetime

from .errors import InvalidInput

MAX_DEPTH = 32  # form data nests a few levels; Python's own limit (about 1000) fails deep in a library
MAX_GEMEENTE = 20  # the cases.gemeente column
MAX_NAME = 200  # user names, actors and assignees
# The engine clock: dates far from today overflow on conversion to UTC or when a timer adds its duration.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def check_text(value: str, what: str, max_length: int | None = None) -> str:
    """`value` is storable text: valid Unicode (no lone surrogates) and not too long."""
    if not _encodable(value):
        raise InvalidInput(f"{what}: not valid Unicode text (it contains a lone surrogate, e.g. '\\ud800')")
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(f"{what}: at most {max_length} characters (got {len(value)})")
    return value


def check_data(data: dict, what: str = "form data") -> dict:
    """Form data as JSON can store it: text keys, valid Unicode, at most MAX_DEPTH levels deep.

    Iterative, so a deeply nested value cannot hit the recursion limit here either.
    """
    stack = [(data, what, 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidInput(f"{what}: nested more than {MAX_DEPTH} levels deep (at {path})")
        if isinstance(value, str):
            check_text(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InvalidInput(f"{path}: keys must be text")
                check_text(key, f"{path}: key {key!r}")
                stack.append((item, f"{path}.{key}" if path != what else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):  # Python's json reads NaN and Infinity
            raise InvalidInput(f"{path}: {value} is not a number (JSON has no NaN or Infinity)")
    return data


def check_clock(at: datetime, what: str = "--now") -> datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    try:
        in_utc = at.astimezone(UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not EARLIEST <= in_utc < LATEST:
        raise InvalidInput(f"{what}: {at.isoformat()} is outside the years {EARLIEST.year} to {LATEST.year - 1}")
    return at


def parse_clock(text: str, what: str = "--now") -> datetime:
    """An ISO-8601 engine clock from the command line or TRAJECT_NOW; a naive value is taken as UTC."""
    from .clock import parse_now

    try:
        at = parse_now(text)
    except ValueError:
        raise InvalidInput(f"{what}: '{text}' is not an ISO-8601 date-time") from None
    return check_clock(at, what)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
