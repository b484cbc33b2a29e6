"""Incidents, and how an error SpiffWorkflow raises becomes one that names its BPMN element.

SpiffWorkflow's errors name the element in different ways (a task, only a task spec, or nothing when a
plain Python error escapes it) and word their hints for programmers; this turns each into an Incident
with the element and a readable message. Nothing here imports SpiffWorkflow.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from SpiffWorkflow.exceptions import WorkflowException


class Incident(Exception):
    """A script, condition or decision failed while the engine ran; the command is rolled back."""

    def __init__(self, task: str | None, message: str):
        super().__init__(message)
        self.task = task
        self.message = message


def element_in_traceback(err: BaseException) -> str | None:
    """The BPMN element SpiffWorkflow was working on when a plain Python error escaped it (a multi-instance
    task whose collection is not defined: "'NoneType' object is not iterable"): the innermost frame that
    holds a task, which Spiff passes around as `my_task`."""
    found, frame = None, err.__traceback__
    while frame is not None:
        for name in ("my_task", "task"):
            element = getattr(getattr(frame.tb_frame.f_locals.get(name), "task_spec", None), "bpmn_id", None)
            if isinstance(element, str):
                found = element
        frame = frame.tb_next
    return found


_LISTED_GUESSES = re.compile(r"Did you mean one of '\[('.*?')\]'\?")


def incident_from(err: WorkflowException) -> Incident:
    # a task's own error names its task; a gateway with no matching condition names only its spec
    task = getattr(err, "task", None)
    spec = task.task_spec if task is not None else getattr(err, "task_spec", None)
    task_name = getattr(spec, "bpmn_id", None)
    # Spiff's hint prints a Python list inside quotes: "Did you mean one of '['score', 'soort']'?"
    message = _LISTED_GUESSES.sub(lambda m: f"Did you mean one of {m.group(1)}?", str(err))
    line = getattr(err, "line_number", None)
    if line and f"line {line}" not in message:
        message += f" (line {line})"
    return Incident(task_name, message)
