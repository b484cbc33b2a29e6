"""Retention (AVG art. 5 lid 1 sub e, storage limitation): how long each process version keeps a case.

A process declares its term as a property of its process element, the way tasks declare their forms:

    <bpmn:process id="pvt_a_klein_intern" ...>
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="bewaartermijn" value="P7Y" />   <!-- after the case closes -->
          <spiffworkflow:property name="grondslag" value="AVG art. 6 lid 1 sub c; Wet inburgering 2021" />
          <spiffworkflow:property name="verwerkers" value="VluchtelingenWerk, DUO" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>

A data category (the `x-traject-restricted` category of form fields, engine/restricted.py) may keep a
shorter term of its own, as `bewaartermijn:<category>` next to the case's:

          <spiffworkflow:property name="bewaartermijn:medisch" value="P1Y" />

When it passes, only that category's fields are erased (engine/category_erasure.py); the case keeps the
rest until its own term ends.

The term is an ISO 8601 period of years, months, weeks and days (P7Y, P5Y6M). It runs from the close of
the case: its `case_completed` or `case_cancelled` event. The properties are read from the version's
stored BPMN source, so they are the ones deployed with that version (a case keeps the term it started on).
"""
from __future__ import annotations

from functools import lru_cache

from .errors import InvalidInput
from .scenarios.timeline import Duration, parse_duration

TERM = "bewaartermijn"
CATEGORY_TERM = TERM + ":"  # bewaartermijn:<category>
BASIS = "grondslag"
PROCESSORS = "verwerkers"
CLOSING_EVENTS = ("case_completed", "case_cancelled")
CLOSED = ("completed", "cancelled")
_SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def parse_period(text: str, where: str = "bewaartermijn") -> Duration:
    """The term as a calendar duration (the scenario clock's ISO 8601 parser; no time part: a term is
    counted in years, months, weeks and days)."""
    try:
        period = parse_duration(text or "")
    except ValueError:
        period = None
    if period is None or "T" in period.text:
        raise InvalidInput(f"{where}: '{text}' is not an ISO 8601 period of years, months, weeks or days "
                           "(for example P7Y)")
    return period


def process_properties(sources: dict[str, str], process_id: str) -> dict[str, str]:
    """The `spiffworkflow:property` values on the process element `process_id` in a version's sources."""
    return dict(_properties(tuple(sorted((n, t) for n, t in sources.items() if n.endswith(".bpmn"))), process_id))


@lru_cache(maxsize=128)
def _properties(bpmn_sources: tuple, process_id: str) -> tuple:
    from .xmlsafe import parse_xml

    for _name, text in bpmn_sources:
        if f'id="{process_id}"' not in text:
            continue
        root = parse_xml(text.encode("utf-8")).getroot()
        for process in root.iter(f"{_BPMN}process"):
            if process.get("id") != process_id:
                continue
            found = []
            for ext in process.findall(f"{_BPMN}extensionElements"):
                for prop in ext.iter(f"{_SPIFF}property"):
                    if prop.get("name"):
                        found.append((prop.get("name"), prop.get("value") or ""))
            return tuple(found)
    return ()


def documentation(sources: dict[str, str], process_id: str) -> str | None:
    """The process element's own documentation: its purpose, for the processing register."""
    from .xmlsafe import parse_xml

    for name, text in sorted(sources.items()):
        if not name.endswith(".bpmn") or f'id="{process_id}"' not in text:
            continue
        for process in parse_xml(text.encode("utf-8")).getroot().iter(f"{_BPMN}process"):
            if process.get("id") == process_id:
                doc = process.find(f"{_BPMN}documentation")
                return " ".join((doc.text or "").split()) or None if doc is not None else None
    return None


def term_of(sources: dict[str, str], process_id: str) -> Duration | None:
    """The version's retention term, None when it declares none (then nothing is ever due)."""
    value = process_properties(sources, process_id).get(TERM)
    return parse_period(value, f"{process_id}: {TERM}") if value else None


def category_terms(sources: dict[str, str], process_id: str) -> dict[str, Duration]:
    """{category: term} of the version's `bewaartermijn:<category>` properties."""
    return {name[len(CATEGORY_TERM):]: parse_period(value, f"{process_id}: {name}")
            for name, value in process_properties(sources, process_id).items()
            if name.startswith(CATEGORY_TERM) and name[len(CATEGORY_TERM):]}


def category_fields(sources: dict[str, str]) -> dict[str, list[str]]:
    """{category: [field, ...]} of the restricted fields of every form in a version's sources."""
    import json

    from .restricted import KEYWORD, restricted_fields

    found: dict[str, set[str]] = {}
    for name, text in sources.items():
        if not name.endswith(".json") or KEYWORD not in text:
            continue
        try:
            schema = json.loads(text)
        except ValueError:
            continue
        for field, category in restricted_fields(schema).items():
            found.setdefault(category, set()).add(field)
    return {category: sorted(fields) for category, fields in found.items()}
