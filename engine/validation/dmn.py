"""DMN decision tables: the shape SpiffWorkflow supports and the Python in every cell.

SpiffWorkflow parses a DMN file only when a business-rule task first needs it, and evaluates the
cells only when a case reaches that task, so all of this is checked here up front.
"""
from __future__ import annotations

from lxml import etree

from .documents import Document, local_name, text_of
from .problem import Problem
from .syntax import at_line, check_dmn_input_entry, code_problem


def dmn_problems(doc: Document) -> list[Problem]:
    if doc.kind != "dmn":
        return []
    decisions = [el for el in doc.root if local_name(el) == "decision"]
    if not decisions:
        return [doc.problem(doc.root, "DMN file has no decision")]
    problems = []
    if len(decisions) > 1:
        # SpiffWorkflow raises "Multiple decision tables are not current supported" for these.
        problems.append(doc.problem(decisions[1], "SpiffWorkflow supports one decision per DMN file; "
                                    f"found {len(decisions)}"))
    for table in doc.root.iter(_tag(doc, "decisionTable")):
        problems += _table_problems(doc, table)
    return problems


def has_decision(doc: Document) -> bool:
    return any(local_name(el) == "decision" for el in doc.root)


def _tag(doc: Document, local: str) -> str:
    return f"{{{etree.QName(doc.root).namespace}}}{local}"


def _children(element: etree._Element, local: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == local]


def _text_child(element: etree._Element) -> etree._Element | None:
    found = _children(element, "text")
    return found[0] if found else None


def _table_problems(doc: Document, table: etree._Element) -> list[Problem]:
    inputs = _children(table, "input")
    outputs = _children(table, "output")
    problems = [p for item in inputs if (p := _input_expression_problem(doc, item))]
    expressions = [_input_expression(item) for item in inputs]
    for rule in _children(table, "rule"):
        problems += _rule_problems(doc, rule, expressions, len(outputs))
    return problems


def _input_expression(item: etree._Element) -> str:
    expressions = _children(item, "inputExpression")
    return text_of(_text_child(expressions[0])).strip() if expressions else ""


def _input_expression_problem(doc: Document, item: etree._Element) -> Problem | None:
    expressions = _children(item, "inputExpression")
    text = _text_child(expressions[0]) if expressions else None
    if not text_of(text).strip():
        # Without an expression SpiffWorkflow falls back to looking up the label in the task data.
        return doc.problem(item, f"input '{item.get('label') or item.get('id')}' has no input expression")
    return code_problem(doc, text, text_of(text), "eval", f"input expression of '{item.get('id')}'")


def _rule_problems(doc: Document, rule: etree._Element, inputs: list[str], outputs: int) -> list[Problem]:
    rule_id = rule.get("id")
    entries, results = _children(rule, "inputEntry"), _children(rule, "outputEntry")
    problems = []
    if len(entries) != len(inputs) or len(results) != outputs:
        # SpiffWorkflow pairs entries with columns by position and fails with an IndexError.
        problems.append(doc.problem(rule, f"rule '{rule_id}' has {len(entries)} input and {len(results)} "
                                    f"output entries; the table has {len(inputs)} inputs and "
                                    f"{outputs} outputs"))
    for entry, expression in zip(entries, inputs, strict=False):
        problem = _input_entry_problem(doc, rule_id, entry, expression or "v")
        if problem:
            problems.append(problem)
    for entry in results:
        text = _text_child(entry)
        if text_of(text).strip():
            problem = code_problem(doc, text, text_of(text), "eval", f"rule '{rule_id}' output entry")
            if problem:
                problems.append(problem)
    return problems


def _input_entry_problem(doc: Document, rule_id: str | None, entry: etree._Element,
                         input_expression: str) -> Problem | None:
    text_element = _text_child(entry)
    text = text_of(text_element)
    found = check_dmn_input_entry(text, input_expression)
    if found is None:
        return None
    line, message = found
    element = text_element if text_element is not None else entry
    return doc.problem(element, f"rule '{rule_id}' input entry '{text.strip()}': {message}",
                       line=at_line(element, line), element_id=entry.get("id"))
