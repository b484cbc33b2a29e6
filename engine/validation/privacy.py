"""Privacy checks of a bundle (issue 13): the retention terms a process declares (`bewaartermijn`, and
`bewaartermijn:<category>` for a data category) must be periods and a category's term must name a
category some form of the bundle uses (else it erases nothing: a typo), a
restricted field (special category) must not be free text, and a BSN or V-nummer field should use the
`bsn` / `vnummer` format (checked with python-stdnum, never quoted in an error)."""
from __future__ import annotations

from .documents import NS, Document
from .problem import Problem

TERM = "bewaartermijn"
CATEGORY_TERM = TERM + ":"


def privacy_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    from engine.errors import InvalidInput
    from engine.retention import parse_period

    problems = []
    for prop in doc.root.xpath("./bpmn:process/bpmn:extensionElements/spiffworkflow:properties/"
                               "spiffworkflow:property", namespaces=NS):
        name = prop.get("name") or ""
        if name == TERM or name.startswith(CATEGORY_TERM):
            process_id = prop.getparent().getparent().getparent().get("id")
            try:
                parse_period(prop.get("value") or "", name)
            except InvalidInput as err:
                problems.append(doc.problem(prop, str(err), element_id=process_id))
    return problems


def category_term_problems(docs: list[Document], schema_dirs) -> list[Problem]:
    """A `bewaartermijn:<category>` whose category no form of the bundle marks (x-traject-restricted)."""
    used = _used_categories(docs, schema_dirs)
    problems = []
    for doc in (d for d in docs if d.kind == "bpmn"):
        for prop in doc.root.xpath("./bpmn:process/bpmn:extensionElements/spiffworkflow:properties/"
                                   "spiffworkflow:property", namespaces=NS):
            name = prop.get("name") or ""
            category = name[len(CATEGORY_TERM):] if name.startswith(CATEGORY_TERM) else None
            if category is not None and category not in used:
                process_id = prop.getparent().getparent().getparent().get("id")
                known = ", ".join(sorted(used)) or "none"
                problems.append(doc.problem(prop, f"{name}: no form of this bundle has a field in the restricted "
                                            f"category '{category}' (categories used: {known})",
                                            element_id=process_id))
    return problems


def _used_categories(docs: list[Document], schema_dirs) -> set[str]:
    import json

    from engine.bundle import resolve_form
    from engine.restricted import restricted_fields

    from .forms import SCHEMA_PROPERTY

    used: set[str] = set()
    for doc in (d for d in docs if d.kind == "bpmn"):
        for prop in doc.root.xpath(".//bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                                   namespaces=NS):
            value = (prop.get("value") or "").strip()
            if prop.get("name") != SCHEMA_PROPERTY or not value:
                continue
            found = resolve_form(value, doc.file.path, list(schema_dirs))
            try:
                used |= set(restricted_fields(json.loads(found.read_text(encoding="utf-8"))).values())
            except (AttributeError, OSError, ValueError):
                continue  # a missing or unreadable form is reported by the form checks
    return used


def schema_privacy_problems(shown: str, text: str, data: dict) -> list[Problem]:
    """Problems of one form schema file (`shown` as the user named it)."""
    from engine.restricted import KEYWORD

    from .forms import json_line

    problems = []
    for name, spec in (data.get("properties") or {}).items():
        if not isinstance(spec, dict):
            continue
        line = json_line(text, ["properties", name])
        if spec.get(KEYWORD) and _free_text(spec):
            problems.append(Problem(shown, line, name, f"field '{name}' is in the restricted category "
                                    f"'{spec[KEYWORD]}' but is free text: record special categories as a choice "
                                    "(enum) or yes/no, never as free text (AVG: data minimisation)"))
        if name in ("bsn", "v_nummer", "vnummer") and spec.get("format") not in ("bsn", "vnummer"):
            wanted = "bsn" if name == "bsn" else "vnummer"
            problems.append(Problem(shown, line, name, f"field '{name}' should use \"format\": \"{wanted}\" "
                                    "(checked with python-stdnum; the value is never quoted in errors)",
                                    severity="note"))
    return problems


def _free_text(spec: dict) -> bool:
    kinds = spec.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    return "string" in kinds and not any(k in spec for k in ("enum", "const", "format", "oneOf", "anyOf"))
