"""Hardened XML parsing for BPMN and DMN files.

A file with a DOCTYPE or an entity declaration is refused before lxml sees it, so neither external
entities (XXE) nor entity expansion (billion laughs) can happen, whatever lxml version is installed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class XmlProblem(Exception):
    line: int
    message: str

    def __str__(self) -> str:
        return self.message


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=False,
    )


def parse_xml(content: bytes) -> etree._ElementTree:
    """Parse `content`, raising XmlProblem(line, message) for a DOCTYPE/ENTITY or malformed XML."""
    _require_utf8(content)
    match = _DOCTYPE.search(content)
    if match:
        line = content.count(b"\n", 0, match.start()) + 1
        raise XmlProblem(line, "DOCTYPE and ENTITY declarations are not allowed (XXE / entity expansion)")
    try:
        return etree.ElementTree(etree.fromstring(content, _parser()))
    except etree.XMLSyntaxError as err:
        line = err.lineno or (err.position[0] if getattr(err, "position", None) else 1)
        raise XmlProblem(line or 1, f"not well-formed XML: {err.msg}") from None


def _require_utf8(content: bytes) -> None:
    """Only UTF-8 (as the modelers save): the deployed version keeps its files as text, and the
    DOCTYPE check above reads bytes, which a UTF-16 file would slip past."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        raise XmlProblem(line, f"not UTF-8 text (byte 0x{content[err.start]:02x}); save the file as UTF-8, "
                               "as BPMN modelers do") from None
