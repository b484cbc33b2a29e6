"""References inside one file that SpiffWorkflow trips over without saying what is wrong.

- a boundary event's `attachedToRef` must name an activity of its process: else Spiff ignores the event
  (the timer never fires, the error is never caught), and validate said nothing;
- an event definition's `messageRef`, `errorRef`, `signalRef` or `escalationRef` must name such a root
  element: else Spiff fails with "raise_validation_exception() got an unexpected keyword argument";
- an event-based gateway leads only to catch events or receive tasks: else Spiff fails with
  "'UserTask' object has no attribute 'event_definition'".
"""
from __future__ import annotations

from .documents import Document, bpmn, local_name
from .problem import Problem
from .structure import ACTIVITIES, CONTAINERS, flow_nodes, sequence_flows

# event definition -> (its reference attribute, the root element it names)
DEFINITION_REFS = {
    "messageEventDefinition": ("messageRef", "message"),
    "errorEventDefinition": ("errorRef", "error"),
    "signalEventDefinition": ("signalRef", "signal"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
}
AFTER_EVENT_GATEWAY = frozenset({"intermediateCatchEvent", "receiveTask"})


def event_ref_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    problems = _definition_refs(doc)
    for container in doc.root.iter(*(bpmn(tag) for tag in CONTAINERS)):
        nodes = flow_nodes(container)
        problems += _attachments(doc, nodes)
        problems += _event_gateway_targets(doc, container, nodes)
    return problems


def _attachments(doc: Document, nodes: dict) -> list[Problem]:
    problems = []
    for node_id, node in nodes.items():
        if local_name(node) != "boundaryEvent":
            continue
        target = node.get("attachedToRef")
        if target in nodes and local_name(nodes[target]) in ACTIVITIES:
            continue
        what = "names no activity of this process" if target not in nodes else \
            f"names a {local_name(nodes[target])}, not an activity"
        problems.append(doc.problem(node, f"boundary event '{node_id}' has attachedToRef '{target or ''}', which "
                                    f"{what}: the event would never be triggered"))
    return problems


def _definition_refs(doc: Document) -> list[Problem]:
    roots: dict[str, set[str]] = {kind: set() for _, kind in DEFINITION_REFS.values()}
    for element in doc.root:
        if local_name(element) in roots:
            roots[local_name(element)].add(element.get("id"))
    problems = []
    for tag, (attribute, kind) in DEFINITION_REFS.items():
        for definition in doc.root.iter(bpmn(tag)):
            ref = definition.get(attribute)
            # without a reference the event catches (or throws) any of its kind: BPMN allows that
            if ref is not None and ref not in roots[kind]:
                known = ", ".join(sorted(i for i in roots[kind] if i)) or f"the file defines no {kind}"
                event = definition.getparent()  # named after its event, as SpiffWorkflow's error was
                problems.append(doc.problem(definition, f"{attribute} '{ref}' names no <bpmn:{kind}> in this "
                                            f"file ({known})", element_id=event.get("id")))
    return problems


def _event_gateway_targets(doc: Document, container, nodes: dict) -> list[Problem]:
    problems = []
    for flow in sequence_flows(container):
        source, target = nodes.get(flow.get("sourceRef")), nodes.get(flow.get("targetRef"))
        if source is None or target is None or local_name(source) != "eventBasedGateway":
            continue
        if local_name(target) not in AFTER_EVENT_GATEWAY:
            problems.append(doc.problem(flow, f"event-based gateway '{source.get('id')}' leads to "
                                        f"{local_name(target)} '{target.get('id')}'; it may lead only to "
                                        "intermediate catch events (message, timer, signal) or receive tasks",
                                        element_id=source.get("id")))
    return problems
