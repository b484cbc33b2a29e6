"""Every human task sits in a named lane: the lane name is the role that may do the task.

Without a lane SpiffWorkflow gives the task no lane, and the work item would be shown to nobody.
Lanes are looked up document-wide by flowNodeRef, like SpiffWorkflow does; a task inside an embedded
subprocess inherits the subprocess's lane, but a called process needs lanes of its own.
"""
from __future__ import annotations

from lxml import etree

from .documents import Document, bpmn, local_name
from .problem import Problem

# An untyped bpmn:task runs as a manual task in SpiffWorkflow (a work item): it needs a lane just the same.
HUMAN_TASKS = ("userTask", "manualTask", "task")


def lane_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    lane_of = {ref.text: ref.getparent() for ref in doc.root.iter(bpmn("flowNodeRef")) if ref.text}
    problems = []
    for process in doc.root.iter(bpmn("process")):
        has_lanes = any(True for _ in process.iter(bpmn("lane")))
        for task in process.iter(*(bpmn(tag) for tag in HUMAN_TASKS)):
            problem = _task_problem(doc, task, lane_of, has_lanes, process.get("id"))
            if problem:
                problems.append(problem)
    return problems


def _task_problem(doc: Document, task: etree._Element, lane_of: dict, has_lanes: bool,
                  process_id: str | None) -> Problem | None:
    kind, task_id = local_name(task), task.get("id")
    lane = _lane(task, lane_of)
    if lane is None:
        why = "" if has_lanes else f"; process '{process_id}' has no lanes"
        return doc.problem(task, f"{kind} '{task_id}' is not in any lane{why} "
                           "(the lane name is the role that may do the task)")
    if not (lane.get("name") or "").strip():
        return doc.problem(task, f"{kind} '{task_id}' is in lane '{lane.get('id')}', which has no name "
                           "(the lane name is the role that may do the task)")
    return None


def _lane(task: etree._Element, lane_of: dict) -> etree._Element | None:
    # The outermost enclosing subprocess with a lane wins, as SpiffWorkflow passes it down.
    found, element = None, task
    while element is not None and local_name(element) != "process":
        if element.get("id") in lane_of:
            found = lane_of[element.get("id")]
        element = element.getparent()
    return found
