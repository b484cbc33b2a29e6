"""The one result type of validation: a problem located in a file, at a line, on an element."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str  # file name as given by the user (SourceFile.name), or a form file shown the same way
    line: int | None
    element_id: str | None
    message: str
    # "error" blocks a deploy; "note" is worth knowing but the process runs as drawn (validate and
    # deploy print it, exit codes ignore it).
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "note: " if self.is_note else ""
        return f"{self.path}:{self.line or 0}: {self.element_id or '-'}: {prefix}{self.message}"

    @property
    def is_note(self) -> bool:
        return self.severity == "note"

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.element_id or "", self.message)
