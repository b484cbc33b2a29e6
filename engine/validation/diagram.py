"""Diagram interchange (DI): every flow node needs a shape and every sequence flow an edge.

Designers open these files in bpmn.io or the Camunda Modeler, which draw only what has DI: a task
without a shape is invisible there, yet it runs. Files without any diagram (generated or hand-written
test files) are left alone; once a file has a diagram, it must cover every node and flow.
"""
from __future__ import annotations

from .documents import Document, bpmn, local_name
from .problem import Problem

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
_NOT_FLOW_NODES = {"laneSet", "lane", "sequenceFlow", "documentation", "extensionElements", "ioSpecification",
                   "dataObject", "dataObjectReference", "dataStoreReference", "property", "textAnnotation",
                   "association", "group", "incoming", "outgoing", "multiInstanceLoopCharacteristics",
                   "standardLoopCharacteristics", "dataInputAssociation", "dataOutputAssociation"}


def diagram_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    drawn = {e.get("bpmnElement") for e in doc.root.iter(f"{{{DI_NS}}}BPMNShape", f"{{{DI_NS}}}BPMNEdge")}
    if not any(True for _ in doc.root.iter(f"{{{DI_NS}}}BPMNDiagram")):
        return []
    problems = []
    for process in doc.root.iter(bpmn("process"), bpmn("subProcess"), bpmn("adHocSubProcess"), bpmn("transaction")):
        for element in process:
            name = local_name(element)
            if not name or name in _NOT_FLOW_NODES and name != "sequenceFlow" or element.get("id") in drawn:
                continue
            what, drawing = ("sequence flow", "edge") if name == "sequenceFlow" else (name, "shape")
            problems.append(doc.problem(element, f"{what} '{element.get('id')}' has no diagram {drawing} (DI): "
                                        "bpmn.io and the Camunda Modeler will not show it"))
    return problems
