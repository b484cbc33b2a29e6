"""Readable labels for case data: field titles and choice titles from the form schemas of the case's
deployed version, so the dossier shows "Tolk nodig: Ja, Arabisch" and not variable names or codes.

Read from the version's own files (a case keeps the labels of the forms it was filled with). A field
that several forms define takes the first title found; nested objects are flattened by leaf name.
"""
from __future__ import annotations

import json
from typing import Any

from .views import FieldLabel

_SCHEMA_SUFFIX = ".schema.json"


def labels_from_sources(sources: dict[str, str]) -> dict[str, FieldLabel]:
    labels: dict[str, FieldLabel] = {}
    for name in sorted(n for n in sources if n.endswith(_SCHEMA_SUFFIX)):
        schema = _load(sources.get(name))
        ui = _load(sources.get(name[: -len(_SCHEMA_SUFFIX)] + ".uischema.json"))
        _walk(schema.get("properties"), ui, labels)
    return labels


def _walk(properties: Any, ui: dict, labels: dict[str, FieldLabel]) -> None:
    if not isinstance(properties, dict):
        return
    for key, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        field_ui = ui.get(key) if isinstance(ui.get(key), dict) else {}
        if prop.get("type") == "object" or "properties" in prop:
            _walk(prop.get("properties"), field_ui, labels)
            continue
        title = field_ui.get("ui:title") or prop.get("title")
        items = prop.get("items") if isinstance(prop.get("items"), dict) else None
        options = _options(items, field_ui.get("items", {}) | field_ui) if items else _options(prop, field_ui)
        if key not in labels and (title or options):
            labels[key] = FieldLabel(str(title) if title else None, tuple(options))


def _options(schema: dict, ui: dict) -> list[tuple[str, str]]:
    """(value as JSON text, title) pairs from enum (+ ui:enumNames) or oneOf/anyOf consts."""
    names = ui.get("ui:enumNames") or (ui.get("ui:options") or {}).get("enumNames") or []
    if isinstance(schema.get("enum"), list):
        return [(json.dumps(v), str(names[i])) for i, v in enumerate(schema["enum"]) if i < len(names)]
    branches = schema.get("oneOf") or schema.get("anyOf") or []
    return [(json.dumps(b["const"]), str(b["title"])) for b in branches
            if isinstance(b, dict) and "const" in b and "title" in b]


def _load(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
