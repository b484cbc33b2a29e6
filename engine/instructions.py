"""A task's instructions as the caseworker reads them: SpiffArena writes values of the case into them as
Jinja's `{{ name }}` (or `{{ name.key }}`); Traject fills those from the task's data. Only plain names:
no filters, no expressions, no `{% ... %}` blocks (left as written), so nothing in a BPMN file runs here.
"""
from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")


def render(text: str | None, data: dict) -> str | None:
    """`text` with each `{{ name }}` replaced by that value of `data` (empty when the case has none)."""
    if not text or "{{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda found: _shown(_lookup(data, found[1])), text)


def _lookup(data: dict, path: str):
    value = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)
