"""Numbers as Dutch caseworkers type and read them: a decimal comma (a point is accepted too).

No Textual here, so the rules can be tested without an app. The rule that matters: never guess. A
text that could mean two numbers ("1.000" is a thousand to a Dutch reader, one to an English one;
"1.000,5" mixes both conventions) is refused with a message that says how to write it, because a
silently wrong number (0,5 interpreter hours stored as 5) is worse than a question.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

_NUMBER_RE = re.compile(r"(?P<sign>[-+]?)(?P<int>\d*)(?:(?P<sep>[.,])(?P<frac>\d+))?")
_THOUSANDS_RE = re.compile(r"(?P<sign>[-+]?)(?P<int>\d{1,3}(?:\.\d{3})+)(?:,(?P<frac>\d+))?")
ALLOWED_CHARS = r"[-+0-9.,]*"
"""What a number input lets through while typing (Textual's `restrict`): the parse decides the rest."""


class NumberTextError(ValueError):
    """The text is not a number this field takes; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def parse_number(text: str, *, integer: bool = False, thousands: bool = False) -> int | float:
    """'0,5' -> 0.5, '1.5' -> 1.5, '180,50' -> 180.5, '12' -> 12; raises NumberTextError.

    `thousands`: the field takes a point as thousands separator ('1.000,5' -> 1000.5); then a point
    is never a decimal point.
    """
    text = text.strip().replace(" ", "")
    if thousands:
        match = _THOUSANDS_RE.fullmatch(text)
        if match:
            text = match["sign"] + match["int"].replace(".", "") + ("," + match["frac"] if match["frac"] else "")
    match = _NUMBER_RE.fullmatch(text)
    if not match or not (match["int"] or match["frac"]):
        if "," in text and "." in text:
            raise NumberTextError("err.number_mixed", text=text)
        raise NumberTextError("err.integer" if integer else "err.number")
    if match["sep"] and integer:
        raise NumberTextError("err.integer_separator", text=text)
    if match["sep"] and len(match["frac"]) == 3 and match["int"].lstrip("0"):
        # "1.000" or "2,500": a thousands separator in one convention, a decimal one in the other.
        raise NumberTextError("err.number_ambiguous", text=text, whole=match["int"] + match["frac"],
                              decimal=format_number(float(f"{match['int']}.{match['frac']}")))
    if not match["sep"]:
        return int(text)
    value = float(f"{match['sign']}{match['int'] or '0'}.{match['frac']}")
    if not math.isfinite(value):
        raise NumberTextError("err.number")
    return value


def format_number(value: int | float) -> str:
    """Dutch notation, no thousands separator, no exponent: 0.5 -> '0,5', 1000.25 -> '1000,25'."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    if "." not in text:
        text += ".0"
    return text.replace(".", ",")
