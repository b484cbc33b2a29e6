"""Parsed BPMN/DMN files and helpers to locate elements in them (line numbers, nearest id)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from engine.bundle import SourceFile
from engine.xmlsafe import XmlProblem, parse_xml

from .problem import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "camunda": CAMUNDA_NS}


def bpmn(local: str) -> str:
    """Clark notation for a BPMN element, for `iter()` and tag comparisons."""
    return f"{{{BPMN_NS}}}{local}"


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@dataclass
class Document:
    file: SourceFile
    tree: etree._ElementTree
    kind: str  # "bpmn" or "dmn"
    extra: dict = field(default_factory=dict)  # per-check scratch space (e.g. memoised lookups)

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    @cached_property
    def by_id(self) -> dict[str, etree._Element]:
        # First occurrence wins: duplicate ids are an XSD error reported separately.
        index: dict[str, etree._Element] = {}
        for element in self.root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id and element_id not in index:
                index[element_id] = element
        return index

    def line_of_id(self, element_id: str | None) -> int | None:
        element = self.by_id.get(element_id) if element_id else None
        return element.sourceline if element is not None else None

    def problem(self, element: etree._Element | None, message: str, line: int | None = None,
                element_id: str | None = None) -> Problem:
        """A Problem on `element`: its line and its own or nearest ancestor's id, unless given."""
        if element is None:
            return Problem(self.name, line, element_id, message)
        return Problem(self.name, line or element.sourceline, element_id or nearest_id(element), message)

    def note(self, element: etree._Element, message: str) -> Problem:
        """Like `problem`, but a note: the process runs as drawn, the designer should know this."""
        found = self.problem(element, message)
        return Problem(found.path, found.line, found.element_id, message, severity="note")


def nearest_id(element: etree._Element | None) -> str | None:
    while element is not None:
        if isinstance(element.tag, str) and element.get("id"):
            return element.get("id")
        element = element.getparent()
    return None


def load(file: SourceFile) -> tuple[Document | None, list[Problem]]:
    """Parse one file with the hardened parser; a DOCTYPE/ENTITY or malformed XML becomes a Problem."""
    try:
        tree = parse_xml(file.content)
    except XmlProblem as err:
        # The message is fixed text from xmlsafe: entity content can never leak into it.
        return None, [Problem(file.name, err.line, None, err.message)]
    return Document(file, tree, file.kind), []


def text_of(element: etree._Element | None) -> str:
    return (element.text or "") if element is not None else ""
