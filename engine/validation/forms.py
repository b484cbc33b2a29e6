"""Form files named by tasks and start events the SpiffArena way (spiffworkflow:properties).

A form file is resolved like the engine will at run time (engine.bundle.resolve_form), must be JSON,
and must be a valid draft 2020-12 JSON Schema (the ui schema: a JSON object of RJSF `ui:` keys).
Problems inside a form file are reported against that file, at its JSON line.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from engine.bundle import form_search_dirs, resolve_form

from .documents import NS, Document
from .problem import Problem

SCHEMA_PROPERTY = "formJsonSchemaFilename"
UI_PROPERTY = "formUiSchemaFilename"


def form_problems(doc: Document, schema_dirs: Iterable[Path] = (), seen: set[Path] | None = None) -> list[Problem]:
    """Problems with every form a task or event in `doc` names; `seen` avoids repeating a shared file."""
    if doc.kind != "bpmn":
        return []
    seen = set() if seen is None else seen
    problems = []
    for prop in doc.root.xpath(".//bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                               namespaces=NS):
        if prop.get("name") not in (SCHEMA_PROPERTY, UI_PROPERTY):
            continue
        owner = prop.getparent().getparent().getparent()  # property < properties < extensionElements < task
        problems += _property_problems(doc, prop, owner.get("id"), list(schema_dirs), seen)
    return problems


def _property_problems(doc: Document, prop, owner_id: str | None, dirs: list[Path], seen: set[Path]) -> list[Problem]:
    kind, name = prop.get("name"), (prop.get("value") or "").strip()
    if not name:
        return [doc.problem(prop, f"{kind} has no file name", element_id=owner_id)]
    found = resolve_form(name, doc.file.path, dirs)
    if found is None:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            return [doc.problem(prop, f"form file '{name}' must be a plain file name, without folders "
                                "going up or an absolute path", element_id=owner_id)]
        looked = ", ".join(str(d) for d in form_search_dirs(doc.file.path, dirs))
        return [doc.problem(prop, f"form file '{name}' not found (looked in: {looked})", element_id=owner_id)]
    if found.resolve() in seen:
        return []
    seen.add(found.resolve())
    shown = _display_path(found, doc)
    message, line = _content_problem(found, ui=kind == UI_PROPERTY)
    if message:
        return [Problem(shown, line, owner_id, message)]
    if kind == UI_PROPERTY:
        return []
    from .privacy import schema_privacy_problems

    text = found.read_text(encoding="utf-8")
    return schema_privacy_problems(shown, text, json.loads(text))


def _display_path(found: Path, doc: Document) -> str:
    """The form file's path in the style the user gave the BPMN file (relative stays relative)."""
    try:
        return str(Path(doc.file.name).parent / found.resolve().relative_to(doc.file.path.parent))
    except ValueError:
        return os.path.relpath(found) if not os.path.relpath(found).startswith("..") else str(found)


def _content_problem(path: Path, ui: bool) -> tuple[str | None, int | None]:
    label = "ui schema" if ui else "form schema"
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        return f"{label} '{path.name}' cannot be read: {err}", None
    except json.JSONDecodeError as err:
        return f"{label} '{path.name}' is not valid JSON: {err.msg} (column {err.colno})", err.lineno
    if not isinstance(data, dict):
        return f"{label} '{path.name}' must be a JSON object, not {type(data).__name__}", 1
    return (None, None) if ui else _schema_problem(path.name, text, data)


def _schema_problem(name: str, text: str, data: dict) -> tuple[str | None, int | None]:
    from jsonschema import Draft202012Validator, SchemaError

    try:
        Draft202012Validator.check_schema(data)
    except SchemaError as err:
        where = "/".join(str(p) for p in err.path) or "(root)"
        return (f"form schema '{name}' is not a valid JSON Schema (draft 2020-12) at {where}: {err.message}",
                json_line(text, list(err.path)))
    return None, None


def json_line(text: str, path: list) -> int:
    """Approximate line of the value at `path` in JSON `text`: follows the object keys in order.

    The json module keeps no positions; searching for each key after the previous one is right for
    the usual pretty-printed schema and never worse than the enclosing object's line.
    """
    offset = 0
    for key in path:
        if not isinstance(key, str):
            continue  # array indexes: stay at the array's line
        match = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(text, offset)
        if match is None:
            break
        offset = match.start()
    return text.count("\n", 0, offset) + 1
