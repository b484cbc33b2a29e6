"""Syntax of the Python code in BPMN: scripts, pre/post scripts, conditions, loop expressions.

SpiffWorkflow stores these as text and only compiles them when a case reaches them, so a typo would
otherwise surface as an incident in a live case.
"""
from __future__ import annotations

from .documents import NS, Document, local_name, text_of
from .problem import Problem
from .syntax import code_problem

# (xpath, compile mode, description) for every piece of code SpiffWorkflow evaluates.
_CODE = (
    (".//bpmn:conditionExpression", "eval", "condition"),
    (".//bpmn:extensionElements/spiffworkflow:preScript", "exec", "pre-script"),
    (".//bpmn:extensionElements/spiffworkflow:postScript", "exec", "post-script"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "eval", "loop condition"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "eval", "loop cardinality"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "eval", "completion condition"),
    (".//bpmn:adHocSubProcess/bpmn:completionCondition", "eval", "completion condition"),
)


def expression_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    problems = _script_task_problems(doc)
    for xpath, mode, what in _CODE:
        for element in doc.root.xpath(xpath, namespaces=NS):
            source = text_of(element)
            if not source.strip():
                continue  # an empty condition is a missing condition: the gateway check reports it
            problem = code_problem(doc, element, source, mode, what)
            if problem:
                problems.append(problem)
    return problems


def _script_task_problems(doc: Document) -> list[Problem]:
    problems = []
    for task in doc.root.xpath(".//bpmn:scriptTask", namespaces=NS):
        scripts = [child for child in task if local_name(child) == "script"]
        if not scripts or not text_of(scripts[0]).strip():
            problems.append(doc.problem(task, f"script task '{task.get('id')}' has no script"))
            continue
        problem = code_problem(doc, scripts[0], text_of(scripts[0]), "exec", "script")
        if problem:
            problems.append(problem)
    return problems
