"""Where a case is in its process: the steps done, the current task, and what comes next, read from the
case's own workflow (the deployed definition it runs on, and what it has done so far). Works for any
valid BPMN: call activities and subprocesses nest, gateways make the next steps uncertain.

One of the few modules that read SpiffWorkflow (with instances, definitions and timers). SpiffWorkflow
already predicts the task tree ahead of the ready tasks; we say what those predictions are worth:
FUTURE follows for certain from the model, LIKELY is the default flow of a gateway, MAYBE is one
possible branch. Nothing is presented as certain that is not.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import IntermediateCatchEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .pruning import PRUNED
from .views import PathStep

DONE, CURRENT, WAITING, NEXT, DEFAULT, POSSIBLE, ERROR = (
    "done", "current", "waiting", "next", "default", "possible", "error")
_STATES = {TaskState.COMPLETED: DONE, TaskState.READY: CURRENT, TaskState.STARTED: CURRENT,
           TaskState.WAITING: WAITING, TaskState.FUTURE: NEXT, TaskState.LIKELY: DEFAULT,
           TaskState.MAYBE: POSSIBLE, TaskState.ERROR: ERROR}
MAX_STEPS = 60  # a dossier section, not the whole model: deep predictions past this are left out


def case_path(workflow: BpmnWorkflow) -> tuple[PathStep, ...]:
    """The case's steps in task-tree order (the flow, branch by branch), nested under their call
    activity or subprocess. A finished part shows as one line; a part in progress shows its steps."""
    steps: list[PathStep] = []
    _walk(workflow, workflow, 0, steps)
    return tuple(_predicted_once(_merge_repeats(steps))[:MAX_STEPS])


def _walk(top: BpmnWorkflow, workflow, depth: int, out: list[PathStep]) -> None:
    stack = [workflow.task_tree]
    while stack:
        task = stack.pop()
        stack.extend(reversed(task.children))
        state = _STATES.get(task.state)
        spec = task.task_spec
        if state is None or not getattr(spec, "bpmn_id", None):
            continue  # cancelled branches, and SpiffWorkflow's own bookkeeping tasks
        title = spec.bpmn_name or spec.bpmn_id
        role = getattr(spec, "lane", None)
        if isinstance(spec, SubWorkflowTask):
            inner = top.subprocesses.get(task.id)
            out.append(PathStep(depth, "part", title, role, state, 1 + _dropped_before(task)))
            if inner is not None and state in (CURRENT, WAITING, ERROR):  # in progress: its steps
                _walk(top, inner, depth + 1, out)
        elif spec.manual:
            out.append(PathStep(depth, "task", title, role, state, 1 + _dropped_before(task)))
        elif state == ERROR:
            out.append(PathStep(depth, "task", title, role, state))  # where an incident stopped the case
        elif state == WAITING and (isinstance(spec, IntermediateCatchEvent) or spec.bpmn_name):
            out.append(PathStep(depth, "wait", title, role, state))  # a timer, message or receive task
        elif isinstance(spec, EndEvent) and depth == 0 and state in (DEFAULT, POSSIBLE) and spec.bpmn_name:
            out.append(PathStep(depth, "end", title, role, state))  # one possible outcome ("Vrijgesteld")


def _dropped_before(task) -> int:
    """Iterations of the loop this task is one of that ran before it and were dropped from the tree
    (engine/pruning.py): counted on the loop's first finished iteration still there."""
    parent = task.parent
    dropped = parent.internal_data.get(PRUNED, 0) if parent is not None else 0
    if not dropped or task.state != TaskState.COMPLETED:
        return 0
    first = next((c for c in parent.children if c.state == TaskState.COMPLETED), None)
    return dropped if first is task else 0


def _merge_repeats(steps: list[PathStep]) -> list[PathStep]:
    """A step done several times in a row (a loop: attendance per session) shows once, with a count."""
    merged: list[PathStep] = []
    for step in steps:
        last = merged[-1] if merged else None
        if last and step.state == DONE and (last.depth, last.kind, last.title, last.state) == \
                (step.depth, step.kind, step.title, step.state):
            merged[-1] = PathStep(last.depth, last.kind, last.title, last.role, last.state, last.times + step.times)
        else:
            merged.append(step)
    return merged


_PREDICTED = (NEXT, DEFAULT, POSSIBLE)


def _predicted_once(steps: list[PathStep]) -> list[PathStep]:
    """What follows a parallel join is predicted on every branch that runs into it (Spiff's tree has a
    copy per branch): the dossier shows it once, after the last branch (A done, B current, then C)."""
    key = lambda step: (step.depth, step.kind, step.title, step.role, step.state)  # noqa: E731
    last = {key(step): i for i, step in enumerate(steps) if step.state in _PREDICTED}
    return [step for i, step in enumerate(steps) if step.state not in _PREDICTED or last[key(step)] == i]
