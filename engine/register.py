"""The verwerkingsregister (AVG art. 30): per deployed process, which personal data it stores, why, on
what legal basis, for how long, who may see it and which outside organisations process it.

Everything comes from what is deployed (the newest version of each startable process, with the files
it uses) and from the rights policy, so the register changes when a form gains a field or a lane is
added, and a designer sees that in review. The BPMN process element carries what a form cannot say:
`grondslag` (legal basis), `bewaartermijn` (retention) and `verwerkers` (outside processors), as
properties next to each other (see engine/retention.py); its documentation is the purpose.
"""
from __future__ import annotations

import json

from .retention import BASIS, CATEGORY_TERM, PROCESSORS, TERM, documentation, process_properties

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
IDENTIFIER_FORMATS = ("bsn", "vnummer")
RESTRICTED = "x-traject-restricted"
VIEWING_ROLES = ("coordinator", "auditor")  # built-in roles that read dossiers, besides the lanes


def entry(row, policy) -> dict:
    """The register entry of one deployed version (a DefinitionVersion row)."""
    sources = row.sources or {}
    props = process_properties(sources, row.process_id)
    lanes = sorted(_lanes(sources))
    organisations = sorted({p.strip() for p in props.get(PROCESSORS, "").split(",") if p.strip()}
                           | {org for org, org_lanes in policy.organisations.items() if set(org_lanes) & set(lanes)})
    return {
        "process_id": row.process_id, "version": row.version, "name": row.name,
        "purpose": documentation(sources, row.process_id),
        "legal_basis": props.get(BASIS), "retention": props.get(TERM),
        # a data category's own, shorter term (bewaartermijn:<category>, engine/retention.py)
        "retention_by_category": {name[len(CATEGORY_TERM):]: value for name, value in sorted(props.items())
                                  if name.startswith(CATEGORY_TERM) and name[len(CATEGORY_TERM):]},
        "personal_data": _fields(sources),
        "who_may_see": {"lanes": lanes, "roles": list(VIEWING_ROLES),
                        "outside": [f"uitvoerder:{o}" for o in organisations]},
        "processors": organisations,
    }


def _lanes(sources: dict[str, str]) -> set[str]:
    from .xmlsafe import parse_xml

    names = set()
    for name, text in sources.items():
        if name.endswith(".bpmn"):
            names |= {lane.get("name") for lane in parse_xml(text.encode("utf-8")).getroot().iter(f"{_BPMN}lane")
                      if lane.get("name")}
    return names


def _fields(sources: dict[str, str]) -> list[dict]:
    """Every field of every form the version uses, once per name, with its category."""
    fields: dict[str, dict] = {}
    for name, text in sorted(sources.items()):
        if not name.endswith(".json") or "uischema" in name:
            continue
        try:
            schema = json.loads(text)
        except ValueError:
            continue
        for field, spec in (schema.get("properties") or {}).items() if isinstance(schema, dict) else ():
            if not isinstance(spec, dict) or field in fields:
                continue
            fields[field] = {"field": field, "title": spec.get("title") or field, "category": _category(field, spec),
                             "form": name}
    order = {"identificerend": 0, "persoonsgegeven": 1, "vrije tekst": 3, "feitelijk": 4}
    return sorted(fields.values(), key=lambda f: (order.get(f["category"], 2), f["field"]))


def _category(field: str, spec: dict) -> str:
    if spec.get(RESTRICTED):
        return f"bijzonder: {spec[RESTRICTED]}"
    if spec.get("format") in IDENTIFIER_FORMATS or field in ("bsn", "v_nummer"):
        return "identificerend"
    if field in ("naam", "voornamen", "achternaam", "geboortedatum"):
        return "persoonsgegeven"
    if spec.get("type") == "string" and not (spec.get("enum") or spec.get("format") or spec.get("const")):
        return "vrije tekst"
    return "feitelijk"


def render(entries: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False)
    lines = ["# Verwerkingsregister", ""]
    for e in entries:
        lines += [f"## {e['name']} ({e['process_id']}, versie {e['version']})", "",
                  f"- **Doel**: {e['purpose'] or '(geen documentatie bij het proces)'}",
                  f"- **Grondslag**: {e['legal_basis'] or '(niet vastgelegd: eigenschap grondslag ontbreekt)'}",
                  f"- **Bewaartermijn**: {e['retention'] or '(niet vastgelegd: eigenschap bewaartermijn ontbreekt)'}"
                  " na afsluiten van de zaak",
                  *[f"- **Bewaartermijn {category}**: {term} na afsluiten van de zaak (alleen de velden van "
                    "deze categorie)" for category, term in e["retention_by_category"].items()],
                  f"- **Wie mag het zien**: lanes {', '.join(e['who_may_see']['lanes']) or '-'}; "
                  f"rollen {', '.join(e['who_may_see']['roles'])}"
                  + (f"; buiten de gemeente {', '.join(e['who_may_see']['outside'])} (alleen hun taken)"
                     if e["who_may_see"]["outside"] else ""),
                  f"- **Verwerkers**: {', '.join(e['processors']) or '-'}", "",
                  "| gegeven | veld | categorie | formulier |", "| --- | --- | --- | --- |"]
        lines += [f"| {f['title']} | `{f['field']}` | {f['category']} | {f['form']} |" for f in e["personal_data"]]
        lines.append("")
    return "\n".join(lines)
