"""Reading a scenario file: YAML as designers write it by hand, with line numbers for messages.

Two YAML 1.1 surprises are switched off, because they would turn correct-looking form data into data the
form refuses: an unquoted date (`datum: 2026-03-02`) stays the string a form expects instead of becoming
a date object, and only true/false are booleans (`no`, `on` and `yes` stay text). A key written twice is
refused instead of the last one silently winning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import InvalidInput

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class ScenarioInvalid(InvalidInput):
    """A scenario file that cannot be run; the message names the file, line, step and key."""

    title = "Ongeldig scenario"

    def __init__(self, file: Path | str, line: int | None, message: str):
        self.file = str(file)
        self.line = line
        self.problem = message
        super().__init__(f"{self.file}:{line}: {message}" if line else f"{self.file}: {message}")


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps and with YAML 1.2 booleans (see the module docstring)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass(frozen=True)
class Document:
    file: Path
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)  # (key or index, ...) -> 1-based line

    def line(self, *path) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def invalid(self, path: tuple, message: str) -> ScenarioInvalid:
        return ScenarioInvalid(self.file, self.line(*path), message)


def read_document(file: Path) -> Document:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioInvalid(file, None, f"cannot read the file: {err}") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {(): 1}
        if node is not None:
            _record_lines(file, node, (), lines)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioInvalid(file, mark.line + 1 if mark else None, f"not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    return Document(file, data, lines)


def _record_lines(file: Path, node, path: tuple, lines: dict[tuple, int]) -> None:
    if isinstance(node, MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ScenarioInvalid(file, line, f"key '{key}' is written twice in the same block")
            seen.add(key)
            lines[path + (key,)] = line
            _record_lines(file, value_node, path + (key,), lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _record_lines(file, item, path + (index,), lines)
