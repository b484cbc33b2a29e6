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
        raise XmlProblem(line or 1, f"not well-formed XML: {_readable(err.msg)}") from None


_POSITION = re.compile(r",? line (\d+), column (\d+)$")
_MISMATCH = re.compile(r"^Opening and ending tag mismatch: (\S+) line (\d+) and (\S+?),?$")


def _readable(message: str) -> str:
    """libxml2's message without its own position (the problem's line says it), in words: "Opening and
    ending tag mismatch: task line 4 and process, line 5, column 16" reads as "<task> (opened on line 4) is
    closed by </process> (column 16)"."""
    position = _POSITION.search(message)
    text = message[:position.start()] if position else message
    if mismatch := _MISMATCH.match(text):
        opened, line, closing = mismatch.groups()
        text = f"<{opened}> (opened on line {line}) is closed by </{closing}>"
    return f"{text} (column {position.group(2)})" if position else text


def _require_utf8(content: bytes) -> None:
    """Only UTF-8 (as the modelers save): the deployed version keeps its files as text, and the
    DOCTYPE check above reads bytes, which a UTF-16 file would slip past."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        raise XmlProblem(line, f"not UTF-8 text (byte 0x{content[err.start]:02x}); save the file as UTF-8, "
                               "as BPMN modelers do") from None
