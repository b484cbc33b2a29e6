"""The plan van aanpak of a deployed variant, generated from its BPMN and DMN: stages and steps in flow
order with their role, the variant's settings, the decision tables (deadlines, no-show ladder, interpreter)
and the expected cost per participant. Designers add text through the documentation elements.

Everything comes from the deployed version's own files, so the plan changes when the variant changes.
"""
from __future__ import annotations

import ast
import re
from collections import deque

from .xmlsafe import parse_xml

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
DMN_TAG = re.compile(r"\{https://www\.omg\.org/spec/DMN/[^}]+\}")
STEP_KINDS = {"userTask": "taak", "callActivity": "onderdeel", "businessRuleTask": "beslissing",
              "manualTask": "taak", "serviceTask": "koppeling", "sendTask": "bericht", "receiveTask": "bericht"}


def _doc(element) -> str:
    found = element.find(f"{BPMN}documentation")
    return " ".join((found.text or "").split()) if found is not None else ""


def _processes(sources: dict[str, str]) -> dict[str, object]:
    found = {}
    for name, content in sorted(sources.items()):
        if name.endswith(".bpmn"):
            for process in parse_xml(content.encode("utf-8")).getroot().iter(f"{BPMN}process"):
                found[process.get("id")] = process
    return found


def _lanes(process) -> dict[str, str]:
    return {ref.text.strip(): lane.get("name") or lane.get("id")
            for lane in process.iter(f"{BPMN}lane") for ref in lane.findall(f"{BPMN}flowNodeRef") if ref.text}


def _flow_order(process) -> list:
    """Flow nodes breadth-first from the start events along sequence flows (document order breaks ties)."""
    nodes = {el.get("id"): el for el in process if el.get("id") and not el.tag.endswith("sequenceFlow")}
    after: dict[str, list[str]] = {}
    for flow in process.findall(f"{BPMN}sequenceFlow"):
        after.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    queue = deque(el.get("id") for el in process.findall(f"{BPMN}startEvent"))
    seen, order = set(queue), []
    while queue:
        node = nodes.get(queue.popleft())
        if node is None:
            continue
        order.append(node)
        for target in after.get(node.get("id"), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return order


def _stage(element) -> str | None:
    for prop in element.iter(f"{SPIFF}property"):
        if prop.get("name") == "stage":
            return prop.get("value")
    return None


def settings_of(process) -> dict[str, object]:
    """Assignments of literal values in the variant's script tasks (*Variant instellen*)."""
    found = {}
    for task in process.findall(f"{BPMN}scriptTask"):
        script = task.find(f"{BPMN}script")
        try:
            tree = ast.parse((script.text or "") if script is not None else "")
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    found.setdefault(node.targets[0].id, ast.literal_eval(node.value))
                except ValueError:
                    pass
    return found


def steps(processes: dict, process_id: str, depth: int = 0, seen: set | None = None) -> list[tuple]:
    """(depth, kind, name, role, stage, documentation) per step, called processes expanded in place."""
    seen = seen if seen is not None else set()
    if process_id in seen or process_id not in processes:
        return []
    seen.add(process_id)
    process = processes[process_id]
    lanes, out = _lanes(process), []
    for node in _flow_order(process):
        kind = node.tag.replace(BPMN, "")
        if kind not in STEP_KINDS:
            continue
        out.append((depth, STEP_KINDS[kind], node.get("name") or node.get("id"), lanes.get(node.get("id")),
                    _stage(node), _doc(node)))
        if kind == "callActivity":
            out.extend(steps(processes, node.get("calledElement"), depth + 1, seen))
    return out


def decisions(sources: dict[str, str]) -> list[dict]:
    """Every DMN decision table: name, description, and each rule as 'inputs -> output (description)'."""
    tables = []
    for name, content in sorted(sources.items()):
        if not name.endswith(".dmn"):
            continue
        for decision in parse_xml(content.encode("utf-8")).getroot():
            if DMN_TAG.sub("", decision.tag) != "decision":
                continue
            tables.append(_decision(decision))
    return tables


def _children(element, tag: str) -> list:
    return [child for child in element if DMN_TAG.sub("", child.tag) == tag]


def _text(element) -> str:
    texts = [c for c in element.iter() if DMN_TAG.sub("", c.tag) == "text"]
    return " ".join((texts[0].text or "").split()) if texts else ""


def _decision(decision) -> dict:
    description = _children(decision, "description")
    table = (_children(decision, "decisionTable") or [None])[0]
    inputs = [i.get("label") or _text(i) for i in _children(table, "input")] if table is not None else []
    rules = []
    for rule in _children(table, "rule") if table is not None else []:
        entries = _children(rule, "inputEntry")
        conditions = [f"{label} {_text(entry)}" for label, entry in zip(inputs, entries, strict=False)
                      if _text(entry) not in ("", "-")]
        outcome = ", ".join(_text(e) for e in _children(rule, "outputEntry"))
        note = _children(rule, "description")
        rules.append((" en ".join(conditions) or "anders", outcome, " ".join((note[0].text or "").split())
                      if note else ""))
    return {"name": decision.get("name") or decision.get("id"),
            "description": " ".join((description[0].text or "").split()) if description else "", "rules": rules}


def expected_cost(settings: dict, rates: dict[str, float]) -> dict[str, float]:
    """Per participant: a place at every session, a share of the ceremony, the executor's fee."""
    sessions = settings.get("workshop_sessies", 1)
    sessions = sessions if isinstance(sessions, int) else 1
    items = {"workshop": sessions * rates["workshop_plaats"], "ceremonie": rates["ceremonie_aandeel"],
             "uitvoerder": rates["uitvoerder_per_deelnemer"]}
    return {k: round(v, 2) for k, v in items.items()}
