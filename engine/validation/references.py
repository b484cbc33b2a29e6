"""Cross-file references: call activities to processes, business-rule tasks to DMN decisions.

SpiffWorkflow raises an unknown calledElement or decision only while building a spec, without a file
name or line; looking the references up here finds every one of them, each at its element.
"""
from __future__ import annotations

from lxml import etree

from .documents import NS, Document, bpmn, local_name
from .foreign import GLOBAL_TASKS

_LIST_LIMIT = 8


def reference_problems(docs: list[Document]) -> list:
    processes = {p.get("id") for doc in docs if doc.kind == "bpmn" for p in doc.root.iter(bpmn("process"))}
    # A call of a global task is reported by foreign.py, as what it is rather than a missing process.
    globals_ = {g.get("id") for doc in docs if doc.kind == "bpmn" for g in doc.root.iter(*(bpmn(t) for t in GLOBAL_TASKS))}
    decisions = {d.get("id") for doc in docs if doc.kind == "dmn" for d in doc.root if local_name(d) == "decision"}
    problems = []
    for doc in docs:
        if doc.kind != "bpmn":
            continue
        for call in doc.root.iter(bpmn("callActivity")):
            problems += _call_problems(doc, call, processes | globals_)
        for task in doc.root.iter(bpmn("businessRuleTask")):
            problems += _decision_problems(doc, task, decisions)
    return problems


def _known(ids: set) -> str:
    names = sorted(i for i in ids if i)
    shown = ", ".join(names[:_LIST_LIMIT]) + (", ..." if len(names) > _LIST_LIMIT else "")
    return f"known: {shown}" if names else "none are known"


def _call_problems(doc: Document, call: etree._Element, processes: set) -> list:
    called = call.get("calledElement")
    if not called:
        return [doc.problem(call, f"call activity '{call.get('id')}' has no calledElement")]
    if called in processes:
        own = next(call.iterancestors(bpmn("process")), None)
        if own is not None and own.get("id") == called:
            return [doc.note(call, f"call activity '{call.get('id')}' calls the process it is in ('{called}'): a "
                             "called process counts as a building block, so this one cannot be started on its own")]
        return []
    return [doc.problem(call, f"call activity '{call.get('id')}' calls process '{called}', which is not in "
                        f"the files given ({_known(processes)})")]


def decision_ref(task: etree._Element) -> tuple[str | None, etree._Element | None, bool]:
    """(decision id, element naming it, named the Camunda way) for a business-rule task."""
    spiff = task.xpath("./bpmn:extensionElements/spiffworkflow:calledDecisionId", namespaces=NS)
    if spiff:
        return spiff[0].text, spiff[0], False
    camunda = task.get(f"{{{NS['camunda']}}}decisionRef")
    return camunda, (task if camunda else None), bool(camunda)


def _decision_problems(doc: Document, task: etree._Element, decisions: set) -> list:
    # engine.bpmn_parser reads camunda:decisionRef as well as spiffworkflow:calledDecisionId
    ref, element, _camunda = decision_ref(task)
    task_id = task.get("id")
    if ref is None or not ref.strip():
        return [doc.problem(task, f"business rule task '{task_id}' names no decision "
                            "(spiffworkflow:calledDecisionId)")]
    if ref in decisions:
        return []
    if ref.strip() in decisions:
        return [doc.problem(element, f"business rule task '{task_id}': decision id '{ref}' has surrounding "
                            "whitespace, which SpiffWorkflow does not strip", element_id=task_id)]
    return [doc.problem(element, f"business rule task '{task_id}' calls decision '{ref}', which is not in "
                        f"the DMN files given ({_known(decisions)})", element_id=task_id)]
