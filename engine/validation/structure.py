"""Sequence-flow structure: dangling references, unreachable and dead-end nodes, gateway conditions.

SpiffWorkflow follows flows from the start event only, so a node nobody points to is silently never
parsed, and a flow pointing nowhere yields a misleading "perhaps a form has the same ID?" error.
"""
from __future__ import annotations

from lxml import etree

from .documents import NS, Document, bpmn, local_name
from .problem import Problem

ACTIVITIES = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
})
FLOW_NODES = ACTIVITIES | frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
})
CONTAINERS = ("process", "subProcess", "transaction")  # ad-hoc subprocesses have no required flows
CONDITIONAL_GATEWAYS = ("exclusiveGateway", "inclusiveGateway")
# SpiffWorkflow names its own task specs "Start" and "End"; an element with such an id replaces one of
# them and the process cannot start ("StartTask ... No output task connected").
RESERVED_IDS = frozenset({"Start", "End"})


def structure_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    problems = []
    for container in doc.root.iter(*(bpmn(tag) for tag in CONTAINERS)):
        problems += _container_problems(doc, container)
    for container in doc.root.iter(bpmn("adHocSubProcess")):
        problems += _dangling_refs(doc, container, flow_nodes(container))
    problems += [
        doc.problem(el, f"the id '{el.get('id')}' is reserved by SpiffWorkflow; choose another id")
        for el in doc.root.iter() if isinstance(el.tag, str) and el.get("id") in RESERVED_IDS
        and local_name(el) in FLOW_NODES
    ]
    return problems


def flow_nodes(container: etree._Element) -> dict[str, etree._Element]:
    return {el.get("id"): el for el in container if local_name(el) in FLOW_NODES and el.get("id")}


def sequence_flows(container: etree._Element) -> list[etree._Element]:
    return [el for el in container if local_name(el) == "sequenceFlow"]


def _container_problems(doc: Document, container: etree._Element) -> list[Problem]:
    nodes = flow_nodes(container)
    problems = _dangling_refs(doc, container, nodes)
    incoming: dict[str, list] = {node_id: [] for node_id in nodes}
    outgoing: dict[str, list] = {node_id: [] for node_id in nodes}
    for flow in sequence_flows(container):
        # A dangling end still counts for the other end: one broken flow is one problem, not three.
        if flow.get("sourceRef") in nodes:
            outgoing[flow.get("sourceRef")].append(flow)
        if flow.get("targetRef") in nodes:
            incoming[flow.get("targetRef")].append(flow)
    for node_id, node in nodes.items():
        problems += _node_problems(doc, node, incoming[node_id], outgoing[node_id])
        if local_name(node) in CONDITIONAL_GATEWAYS:
            problems += _gateway_problems(doc, node, outgoing[node_id])
    return problems


def _dangling_refs(doc: Document, container: etree._Element, nodes: dict) -> list[Problem]:
    scope = f"{local_name(container)} '{container.get('id')}'"
    problems = []
    for flow in sequence_flows(container):
        for attribute in ("sourceRef", "targetRef"):
            ref = flow.get(attribute)
            if ref not in nodes:
                problems.append(doc.problem(flow, f"sequence flow '{flow.get('id')}' has {attribute} "
                                            f"'{ref}', which names no flow node in {scope}"))
    return problems


def _node_problems(doc: Document, node: etree._Element, incoming: list, outgoing: list) -> list[Problem]:
    kind, node_id = local_name(node), node.get("id")
    if _exempt(node):
        return []
    problems = []
    if kind == "startEvent" and incoming:
        problems.append(doc.problem(node, f"start event '{node_id}' has an incoming sequence flow"))
    elif kind not in ("startEvent", "boundaryEvent") and not incoming and not _is_link(node, "catch"):
        problems.append(doc.problem(node, f"{kind} '{node_id}' has no incoming sequence flow, "
                                    "so it can never be reached"))
    if kind == "endEvent" and outgoing:
        problems.append(doc.problem(node, f"end event '{node_id}' has an outgoing sequence flow"))
    elif kind != "endEvent" and not outgoing and not _is_link(node, "throw"):
        # BPMN allows an implicit end and SpiffWorkflow 3.2 runs one, but then never runs its own End
        # task: the case completes with empty workflow data, so `show` and the audit lose the case's
        # data. Refused until that is handled (measured for issue 17; README "BPMN from elsewhere").
        problems.append(doc.problem(node, f"{kind} '{node_id}' has no outgoing sequence flow; "
                                    "only an end event may end a path (an implicit end would complete the "
                                    "case without its data in SpiffWorkflow 3.2)"))
    return problems


def _exempt(node: etree._Element) -> bool:
    # Event subprocesses start on their trigger and compensation handlers are reached through an
    # association, never through sequence flows.
    return node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true"


def _is_link(node: etree._Element, direction: str) -> bool:
    tag = "intermediateCatchEvent" if direction == "catch" else "intermediateThrowEvent"
    return local_name(node) == tag and bool(node.xpath("./bpmn:linkEventDefinition", namespaces=NS))


def _gateway_problems(doc: Document, gateway: etree._Element, outgoing: list) -> list[Problem]:
    kind, gateway_id, default = local_name(gateway), gateway.get("id"), gateway.get("default")
    problems = []
    if default and default not in {flow.get("id") for flow in outgoing}:
        problems.append(doc.problem(gateway, f"{kind} '{gateway_id}' names default flow '{default}', "
                                    "which is not one of its outgoing flows"))
    if len(outgoing) < 2:
        return problems  # SpiffWorkflow treats a single unconditioned flow as the default
    for flow in outgoing:
        if flow.get("id") != default and not _condition(flow):
            problems.append(doc.problem(flow, f"sequence flow '{flow.get('id')}' leaves {kind} "
                                        f"'{gateway_id}' without a condition and is not its default "
                                        "flow; add a condition or make it the default"))
    return problems


def _condition(flow: etree._Element) -> str:
    found = flow.xpath("./bpmn:conditionExpression", namespaces=NS)
    return (found[0].text or "").strip() if found else ""
