"""Typed engine errors. The CLI maps them to exit codes, the TUI to one error modal."""
from __future__ import annotations


class EngineError(Exception):
    """Base class. `title` is a short heading for a dialog; str(self) is the full message."""

    exit_code = 1
    title = "Fout"

    def __init__(self, message: str, title: str | None = None):
        super().__init__(message)
        if title:
            self.title = title


class InvalidInput(EngineError):
    """Arguments, ids or data that cannot be accepted (exit 2)."""

    exit_code = 2
    title = "Ongeldige invoer"


class NotFound(InvalidInput):
    """An unknown case, task, process or user id (exit 2)."""

    title = "Niet gevonden"


class ClockBehind(InvalidInput):
    """The engine clock is earlier than the case's last event: a history never runs backwards (exit 2)."""

    title = "Klok loopt achter"


class FormInvalid(InvalidInput):
    """Form data that fails its JSON Schema; `errors` lists (field_path, message) for every failing field."""

    title = "Formulier bevat fouten"

    def __init__(self, errors: list[tuple[str, str]], message: str | None = None):
        self.errors = errors
        text = message or "\n".join(f"{path}: {msg}" for path, msg in errors)
        super().__init__(text)


class DatabaseUnavailable(EngineError):
    """The connection to the database was lost or refused mid-command (rolled back; retry later).

    The long-running worker backs off and reconnects on this; a one-shot command reports it (exit 1).
    """


class Conflict(EngineError):
    """The task is no longer open, or someone else changed the case at the same time (exit 3)."""

    exit_code = 3
    title = "Conflict"


class DefinitionInvalid(EngineError):
    """Process files that fail validation; `problems` holds engine.validation.Problem items (exit 1)."""

    title = "Ongeldige procesdefinitie"

    def __init__(self, problems: list, message: str | None = None):
        self.problems = problems
        super().__init__(message or "\n".join(str(p) for p in problems))


class ScriptError(EngineError):
    """A BPMN/DMN script or expression failed or tried something the sandbox forbids."""

    title = "Scriptfout"


class NotAllowed(EngineError):
    """The acting user may not do this (exit 4). Recorded as an access_denied entry in the access log."""

    exit_code = 4
    title = "Niet toegestaan"

    def __init__(self, message: str, user: str = "", action: str = "", resource: str = "",
                 case_id: str | None = None):
        super().__init__(message)
        self.user, self.action, self.resource, self.case_id = user, action, resource, case_id
