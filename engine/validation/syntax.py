"""Bridge to the restricted script engine's syntax checks (engine/scripting.py).

Scripts and expressions are compiled the way they will run, so a construct the sandbox refuses
(imports, underscore attributes) is reported at validation time rather than in a live case.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from .documents import Document
from .problem import Problem

SyntaxResult = tuple[int | None, str] | None

# A `?` outside quotes is SpiffWorkflow's placeholder for the input value in a DMN input entry.
_PLACEHOLDER = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def _scripting(name: str) -> Callable | None:
    try:
        import engine.scripting as scripting
    except ModuleNotFoundError as err:
        if err.name != "engine.scripting":
            raise
        return None  # fallback until engine/scripting.py lands: plain compile()
    return getattr(scripting, name)


def check_syntax(source: str, mode: str) -> SyntaxResult:
    """(line, message) for a script (mode 'exec') or expression (mode 'eval') that does not compile."""
    check = _scripting("check_syntax")
    if check is not None:
        return check(source, mode)
    try:
        compile(source, "<bpmn>", mode)
    except SyntaxError as err:
        return err.lineno, err.msg
    return None


def check_dmn_input_entry(text: str) -> SyntaxResult:
    """(line, message) for a DMN input entry (unary test) that SpiffWorkflow could not evaluate."""
    check = _scripting("check_dmn_input_entry")
    if check is not None:
        return check(text)
    # Mirrors SpiffWorkflow's DMNEngine: '?' stands for the input; otherwise the entry is either an
    # expression compared with '==' or an operator tail appended to the input expression.
    if not text.strip() or text.strip() == "-":
        return None
    replaced = _PLACEHOLDER.sub("dmninputexpr", text)
    if replaced != text or check_syntax(text, "eval") is None:
        return check_syntax(replaced, "eval")
    return check_syntax(f"v {text}", "eval")


def code_problem(doc: Document, element: etree._Element, source: str, mode: str, what: str) -> Problem | None:
    """A Problem for `source` (the text of `element`) if it does not compile; `what` names it."""
    found = check_syntax(source, mode)
    if found is None:
        return None
    line, message = found
    # The text starts on the element's own line, so script line n is n - 1 lines further down.
    at = element.sourceline + (line - 1) if line and element.sourceline else element.sourceline
    where = f" (line {line} of the script)" if line and line > 1 else ""
    return doc.problem(element, f"{what}: syntax error{where}: {message}", line=at)
