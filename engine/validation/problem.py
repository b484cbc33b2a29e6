"""The one result type of validation: a problem located in a file, at a line, on an element."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str  # file name as given by the user (SourceFile.name), or a form file shown the same way
    line: int | None
    element_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 0}: {self.element_id or '-'}: {self.message}"

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.element_id or "", self.message)
