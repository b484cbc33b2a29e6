"""XML Schema validation with SpiffWorkflow's own schemas (BPMN 2.0 + spiffworkflow, DMN 1.1-1.3).

SpiffWorkflow's BpmnValidator calls `assertValid` and reports only the LAST entry of the error log;
validating with its compiled schema directly gives every error, each with a line and an element path.
"""
from __future__ import annotations

import re
from functools import cache

from lxml import etree

from .documents import BPMN_NS, SPIFF_NS, Document, nearest_id
from .problem import Problem

_PREFIXES = {BPMN_NS: "bpmn:", SPIFF_NS: "spiffworkflow:"}
_CLARK = re.compile(r"\{([^}]*)\}")


@cache
def _bpmn_schema() -> etree.XMLSchema:
    from SpiffWorkflow.spiff.parser import VALIDATOR

    return VALIDATOR.validator


@cache
def _dmn_schema(namespace: str) -> etree.XMLSchema | None:
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
    from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS

    path = SCHEMAS.get(namespace)
    return BpmnValidator(path).validator if path else None  # builds the schema: ~2 ms, once


def dmn_namespaces() -> list[str]:
    from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS

    return list(SCHEMAS)


def xsd_problems(doc: Document) -> list[Problem]:
    if doc.kind == "bpmn":
        from SpiffWorkflow.spiff.parser import VALIDATOR

        # Same rewrite SpiffWorkflow applies before validating (a bpmn-js correlation quirk).
        VALIDATOR.preprocess(doc.tree)
        schema = _bpmn_schema()
    else:
        namespace = etree.QName(doc.root).namespace or ""
        schema = _dmn_schema(namespace)
        if schema is None:
            return [doc.problem(doc.root, f"unsupported DMN namespace '{namespace}' "
                                f"(supported: {', '.join(dmn_namespaces())})")]
    if schema.validate(doc.tree):
        return []
    return [_problem(doc, error) for error in schema.error_log]


def _problem(doc: Document, error) -> Problem:
    element = _element_at(doc, error.path)
    element_id = nearest_id(element) if element is not None else None
    return Problem(doc.name, error.line or None, element_id, "XML schema: " + _readable(error.message))


def _element_at(doc: Document, path: str | None) -> etree._Element | None:
    if not path:
        return None
    namespaces = {k: v for k, v in doc.root.nsmap.items() if k}
    try:
        found = doc.tree.xpath(path, namespaces=namespaces)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


def _readable(message: str) -> str:
    """Shorten Clark names ({http://www.omg.org/...}userTask -> bpmn:userTask); explain xs:ID errors."""
    message = _CLARK.sub(lambda m: _PREFIXES.get(m.group(1), ""), message)
    duplicate = re.search(r"attribute 'id': '([^']*)' is not a valid value of the atomic type 'xs:ID'", message)
    if duplicate:
        return f"id '{duplicate.group(1)}' is used more than once (or is not a valid XML id)"
    return message
