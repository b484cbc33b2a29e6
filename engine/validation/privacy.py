"""Privacy checks of a bundle (issue 13): the retention term a process declares must be a period, a
restricted field (special category) must not be free text, and a BSN or V-nummer field should use the
`bsn` / `vnummer` format (checked with python-stdnum, never quoted in an error)."""
from __future__ import annotations

from .documents import NS, Document
from .problem import Problem

TERM = "bewaartermijn"


def privacy_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    from engine.errors import InvalidInput
    from engine.retention import parse_period

    problems = []
    for prop in doc.root.xpath("./bpmn:process/bpmn:extensionElements/spiffworkflow:properties/"
                               "spiffworkflow:property", namespaces=NS):
        if prop.get("name") == TERM:
            process_id = prop.getparent().getparent().getparent().get("id")
            try:
                parse_period(prop.get("value") or "", TERM)
            except InvalidInput as err:
                problems.append(doc.problem(prop, str(err), element_id=process_id))
    return problems


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
