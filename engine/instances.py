"""Running one case on SpiffWorkflow: start, complete a task, fire timers, and read what it waits on.

This is the only module (with definitions, serialization and clock) that touches SpiffWorkflow's
runtime. It knows nothing of the database: the service loads and stores what it returns.
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from . import task_ids
from .bpmn_parser import ExternalServiceTask
from .clock import Clock, running_on
from .definitions import FORM_KEY, UI_FORM_KEY
from .pruning import prune_finished_iterations
from .spiff_errors import Incident, element_in_traceback, incident_from

# The stages a PVT case goes through, in order. A process may use other names; they sort after these.
STAGES = ("intake", "inburgering", "workshop", "ondertekening", "monitoring", "afgesloten")
FINAL_STAGE = "afgesloten"


@dataclass(frozen=True)
class HumanTask:
    """A ready human task as the service needs it for a work item."""

    id: str
    task: str  # BPMN element id
    title: str
    role: str | None
    form: str | None
    ui_form: str | None
    stage: str | None
    due: datetime | None  # from a boundary timer on the task; else from its "due" property
    due_in: str | None  # the "due" property (ISO duration), applied when the work item is first made
    instructions: str | None


def new_workflow(spec, subprocess_specs, script_engine, start_data: dict, id_seed=None) -> BpmnWorkflow:
    """A case's new workflow; `id_seed`: the task-id seed of the case being replayed (engine/task_ids.py)."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    task_ids.attach(workflow, seed=id_seed)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(start_data))
    return workflow


def advance(workflow: BpmnWorkflow, clock: Clock) -> None:
    """Run every engine step (scripts, gateways, decisions, due timers) until the case waits, then drop
    the finished iterations of running loops (engine/pruning.py): every command, replay and catch-up
    ends here, so the live, the replayed and the restored trees stay the same."""
    try:
        with running_on(lambda: clock() + _JUST_AFTER):
            workflow.refresh_timers()
        with running_on(clock):
            workflow.do_engine_steps()
    except WorkflowException as err:
        raise incident_from(err) from err
    except Exception as err:  # a script error outside Spiff's wrapping still must not half-apply
        raise Incident(element_in_traceback(err), f"{type(err).__name__}: {err}") from err
    check_can_go_on(workflow)
    prune_finished_iterations(workflow)


# SpiffWorkflow fires a timer only once its due time is strictly before now, so a timer due at 09:00 would
# wait for a worker run after 09:00 (`--now 09:00 worker --once` moved nothing). Due means due: the
# waiting timers are checked a microsecond past the clock; the engine steps after, which start new timers
# from now, run on the clock itself.
_JUST_AFTER = timedelta(microseconds=1)


def complete(workflow: BpmnWorkflow, task_id: str, data: dict, clock: Clock) -> None:
    task = find_ready_human_task(workflow, task_id)
    if task is None:
        raise LookupError(task_id)
    with running_on(clock):
        task.data.update(copy.deepcopy(data))
        try:
            task.run()
        except WorkflowException as err:
            raise incident_from(err) from err
        except Exception as err:  # e.g. Spiff evaluating a message's correlation on missing data
            raise Incident(task.task_spec.bpmn_id, f"{type(err).__name__}: {err}") from err
    advance(workflow, clock)


def find_ready_human_task(workflow: BpmnWorkflow, task_id: str):
    """The ready human task with this id, or None: a lookup in the task dictionaries of the workflow and
    its subprocesses, not a walk over the task tree (which grows with the case's history)."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):  # not a task id at all, or not in this workflow
        return None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        return None
    return task


def human_tasks(workflow: BpmnWorkflow, waiting=None) -> list[HumanTask]:
    """The ready human tasks, in task-tree order. `waiting`: open_tasks(workflow), when walked already (a
    READY and a READY|WAITING query walk the tree alike, so this is the same list in the same order)."""
    if waiting is None:
        return [_describe(t) for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
    return [_describe(t) for t in waiting if t.state == TaskState.READY and t.task_spec.manual]


def open_tasks(workflow: BpmnWorkflow) -> list:
    """The ready and waiting tasks: one walk over the task tree (it grows with the history), which the
    stored state, the stage and the work items of one command share."""
    return workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)


def _describe(task) -> HumanTask:
    spec = task.task_spec
    props = properties_of(spec)
    extensions = getattr(spec, "extensions", None) or {}
    return HumanTask(
        id=str(task.id),
        task=spec.bpmn_id or spec.name,
        title=spec.bpmn_name or spec.bpmn_id or spec.name,
        role=getattr(spec, "lane", None),
        form=props.get(FORM_KEY),
        ui_form=props.get(UI_FORM_KEY),
        stage=stage_of(task),
        due=_boundary_timer_due(task),
        due_in=props.get("due"),
        instructions=extensions.get("instructionsForEndUser"),
    )


def properties_of(spec) -> dict:
    extensions = getattr(spec, "extensions", None) or {}
    return extensions.get("properties") or {}


def stage_of(task) -> str | None:
    """The `stage` property of the task, else of the (call) activity whose process contains it.

    Not the task before it: in SpiffWorkflow's tree a task's parent is its predecessor in the flow,
    and an internal join after a monitoring reminder would otherwise claim the stage `monitoring`.
    """
    current = task
    while current is not None:
        stage = properties_of(current.task_spec).get("stage")
        if stage:
            return stage
        current = _container_task(current)
    return None


def _container_task(task):
    """The call activity or subprocess task that started the (sub)workflow `task` runs in."""
    workflow = task.workflow
    parent_id = getattr(workflow, "parent_task_id", None)
    return workflow.top_workflow.get_task_from_id(parent_id) if parent_id else None


def current_stage(workflow: BpmnWorkflow, previous: str | None, waiting=None) -> str | None:
    """The furthest stage among the open human tasks (else among what the case waits on, such as a
    timer); `afgesloten` once the case is completed. `waiting`: the open and waiting tasks (open_tasks),
    when the caller walked the tree already."""
    if workflow.is_completed():
        return FINAL_STAGE
    if waiting is None:
        waiting = open_tasks(workflow)
    human = [t for t in waiting if t.state == TaskState.READY and t.task_spec.manual]
    # A signal catch is a listener that answers in the background (the deadline watch's "what is the
    # term now?" loop): it waits for as long as the case runs and says nothing about where the case is.
    progress = [t for t in waiting if not _is_signal_catch(t)]
    stages = {s for s in (stage_of(t) for t in (human or progress)) if s}
    if not stages:
        return previous
    return max(stages, key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES))


def _is_signal_catch(task) -> bool:
    from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition

    return isinstance(getattr(task.task_spec, "event_definition", None), SignalEventDefinition)


def _timer_definition(definition):
    """The timer of an event definition; an event-based gateway holds several (MultipleEventDefinition)."""
    if isinstance(definition, TimerEventDefinition):
        return definition
    for inner in getattr(definition, "event_definitions", None) or ():
        if isinstance(inner, TimerEventDefinition):
            return inner
    return None


def _timer_due(task) -> datetime | None:
    definition = _timer_definition(getattr(task.task_spec, "event_definition", None))
    if definition is None:
        return None
    value = task.internal_data.get("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        return datetime.fromisoformat(value["next"]) if value.get("cycles") else None
    return TimerEventDefinition.parse_time_or_duration(value)


def _boundary_timer_due(task) -> datetime | None:
    siblings = task.parent.children if task.parent else []
    dues = [d for d in (_timer_due(s) for s in siblings if s.state == TaskState.WAITING) if d]
    return min(dues) if dues else None


def waiting_timers(workflow: BpmnWorkflow) -> list[datetime]:
    return sorted(d for d in (_timer_due(t) for t in workflow.get_tasks(state=TaskState.WAITING)) if d)


def case_data(workflow: BpmnWorkflow) -> dict:
    """The case's data: the workflow data once completed, else the data of the open and waiting tasks
    merged, oldest first, with the data of parallel branches that already ended or wait at a join."""
    if workflow.is_completed():
        # Spiff's workflow data is what the branch that ended last carried: a non-interrupting boundary
        # path ending after the main path, or an error path out of a subprocess, would leave out what was
        # entered elsewhere. The ended paths' data, oldest first, under the workflow's own.
        return {**_merged_data(workflow, []), **workflow.data}
    return _merged_data(workflow, workflow.get_tasks(state=TaskState.READY | TaskState.WAITING), at_joins=True)


def _merged_data(workflow: BpmnWorkflow, candidates, at_joins: bool = False) -> dict:
    """`at_joins`: a branch waiting at a join shows what it brings there. Spiff gives the join its data
    only when it fires, so until then a finished branch's data (entered on its last task) would be
    missing. The state digest leaves it out: stored digests must keep their meaning."""
    ended = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)]
    merged: dict = dict(workflow.data)
    for task in sorted([*ended, *candidates], key=lambda t: t.last_state_change):
        if at_joins and _waits_at_join(task) and task.parent is not None:
            merged.update(task.parent.data)
        merged.update(task.data)
    return merged


def _waits_at_join(task) -> bool:
    """A waiting task that waits for no event: a join (gateway, end of a process) waiting for branches."""
    return task.state == TaskState.WAITING and getattr(task.task_spec, "event_definition", None) is None


def check_can_go_on(workflow: BpmnWorkflow) -> None:
    """A running case must have something that can move it: an open task, an event or timer it waits
    for, or an external task. Else it would stay 'running' forever with nothing to do, e.g. when a
    parallel join waits for a flow that can no longer arrive (a boundary event took the token away):
    that is an incident, named after the join, so the command rolls back and someone looks at it."""
    if workflow.is_completed():
        return
    joins = []
    # one walk, left at the first task that can move the case (usually early in the tree)
    for task in workflow.get_tasks_iterator(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        if task.state == TaskState.READY:
            return
        if task.state == TaskState.STARTED:  # a subprocess's or loop's container: its children count
            if isinstance(task.task_spec, ExternalServiceTask):
                return
        elif not _waits_at_join(task):
            return
        else:
            joins.append(task.task_spec.bpmn_id or task.task_spec.name)
    if joins:
        raise Incident(joins[0], f"the case cannot go on: the join at {', '.join(map(repr, joins))} waits "
                                 "for a flow that can no longer arrive, and nothing else is open or awaited")
    raise Incident(None, "the case cannot go on: nothing is open or awaited, yet the process has not ended")


def visited_nodes(workflow: BpmnWorkflow) -> set[tuple[str, str]]:
    """(process id, BPMN element id) of every flow node that ran, in the case and its called processes."""
    visited = set()
    for task in workflow.get_tasks(state=TaskState.COMPLETED):  # includes the called processes' tasks
        element = getattr(task.task_spec, "bpmn_id", None)
        if element:
            visited.add((_owning_process(task), element))
    return visited


def _owning_process(task) -> str:
    """The process a task belongs to: an embedded subprocess's tasks count for the process around it."""
    container = _container_task(task)
    while container is not None and not isinstance(container.task_spec, CallActivity):
        task, container = container, _container_task(container)
    return task.workflow.spec.name


def state_digest(workflow: BpmnWorkflow) -> str:
    """A digest of what the municipality acts on: open human tasks, waiting timers, data, completion."""
    return digest_of(state_snapshot(workflow))


def state_snapshot(workflow: BpmnWorkflow, tasks=None) -> dict:
    """The state `state_digest` covers, as plain values (the audit replay lists and diffs it).

    One walk over the task tree instead of three (open tasks, timers, data): a READY, a WAITING and a
    READY|WAITING query prune the tree alike, so the tasks and their order are the same. A replay
    takes this once per event: a third of its time before.
    """
    if tasks is None:
        tasks = open_tasks(workflow)
    completed = workflow.is_completed()
    dues = (_timer_due(t) for t in tasks if t.state == TaskState.WAITING)
    return {
        "open": sorted(_element_id(t) for t in tasks if t.state == TaskState.READY and t.task_spec.manual),
        "timers": [d.isoformat() for d in sorted(d for d in dues if d)],
        "data": dict(workflow.data) if completed else _merged_data(workflow, tasks),
        "completed": completed,
    }


def digest_of(state: dict) -> str:
    return hashlib.sha256(canonical_state(state).encode()).hexdigest()


def canonical_state(state: dict) -> str:
    return json.dumps(state, sort_keys=True, default=str, separators=(",", ":"))


def _element_id(task) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


def due_from_duration(start: datetime, duration: str | None) -> datetime | None:
    """Apply a task's `due` property (ISO 8601 duration such as P5D) to the moment it opened."""
    if not duration:
        return None
    try:
        parsed = TimerEventDefinition.parse_iso_duration(duration)
        return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)
    except (ValueError, TypeError, AttributeError):
        return None


# -- audit replay ------------------------------------------------------------------------------------
def ready_task_ids(workflow: BpmnWorkflow, element_id: str) -> list[str]:
    """Ids of the ready human tasks of one BPMN element, in task-tree order: the replay takes the one a
    completion recorded, or the first when its ids differ from the case's (engine/audit/replay.py)."""
    return [str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if _element_id(t) == element_id]


def element_labels(spec, subprocess_specs: dict) -> dict[str, tuple[str, str | None]]:
    """{BPMN element id: (title, lane)} over a process and the processes it calls (exports name events
    by title and role). The calling process comes first when two processes use the same id."""
    labels: dict[str, tuple[str, str | None]] = {}
    for process_spec in [spec, *(s for s in subprocess_specs.values() if s is not None)]:
        for task_spec in process_spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element and element not in labels:
                labels[element] = (task_spec.bpmn_name or element, getattr(task_spec, "lane", None))
    return labels
