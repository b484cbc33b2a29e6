"""All user-facing text of the terminal app, looked up in one place (the tables are texts_nl.py and
texts_en.py).

Dutch is the default; English follows key for key (a test checks both tables have the same keys).
Look texts up when they are shown, not at import time, so `set_language()` at startup takes effect:
`t("form.bounds", minimum=0, maximum=20)`.
"""
from __future__ import annotations

from .texts_en import TEXTS as _EN
from .texts_nl import TEXTS as _NL

LANGUAGES = ("nl", "en")

_TEXTS: dict[str, dict[str, str]] = {"nl": _NL, "en": _EN}
_language = "nl"


def set_language(language: str) -> None:
    """Switch the interface language ('nl' or 'en') for texts looked up from now on."""
    global _language
    if language not in _TEXTS:
        raise ValueError(f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}")
    _language = language


def get_language() -> str:
    return _language


def t(key: str, **values: object) -> str:
    """The text for `key` in the current language, formatted with `values`.

    A missing key falls back to Dutch and then to the key itself, so a typo shows up on screen
    instead of crashing a caseworker's session.
    """
    singular = key + ".one"  # "1 taak", not "1 taken": a key may have its singular beside it
    if values.get("count") == 1 and (singular in _TEXTS[_language] or singular in _NL):
        key = singular
    text = _TEXTS[_language].get(key) or _NL.get(key) or key
    return text.format(**values) if values else text


def keys(language: str) -> set[str]:
    """The keys defined for `language` (used by the test that keeps both tables in step)."""
    return set(_TEXTS[language])
