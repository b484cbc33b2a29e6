"""Bridge to the restricted script engine's syntax checks (engine/scripting.py).

Scripts and expressions are compiled the way they will run, so a construct the sandbox refuses
(imports, underscore attributes) is reported at validation time rather than in a live case.
"""
from __future__ import annotations

from lxml import etree

from .documents import Document
from .problem import Problem

SyntaxResult = tuple[int | None, str] | None


def check_syntax(source: str, mode: str) -> SyntaxResult:
    """(line, message) for a script (mode 'exec') or expression (mode 'eval') that does not compile."""
    # Imported here: RestrictedPython and SpiffWorkflow load only when validation actually runs.
    from engine.scripting import check_syntax as check

    return check(source, mode)


def check_dmn_input_entry(text: str, input_expression: str) -> SyntaxResult:
    """(line, message) for a DMN input entry (unary test) that SpiffWorkflow could not evaluate."""
    from engine.scripting import check_dmn_input_entry as check

    return check(text, input_expression)


def at_line(element: etree._Element, line: int | None) -> int | None:
    # The text starts on the element's own line, so line n of the code is n - 1 lines further down.
    if element.sourceline is None:
        return None
    return element.sourceline + (line - 1) if line else element.sourceline


def code_problem(doc: Document, element: etree._Element, source: str, mode: str, what: str) -> Problem | None:
    """A Problem for `source` (the text of `element`) if it does not compile; `what` names it."""
    found = check_syntax(source, mode)
    if found is None:
        return None
    line, message = found
    where = f" (line {line} of the script)" if line and line > 1 else ""
    return doc.problem(element, f"{what}: syntax error{where}: {message}", line=at_line(element, line))
