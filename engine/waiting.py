"""What a case waits on besides human tasks and timers, on SpiffWorkflow: messages and external tasks.

Like engine.instances this knows nothing of the database. A message is delivered to one chosen
waiting task (the database found it by name and correlation, engine/messages.py), not broadcast into
the workflow the way Spiff's own `catch` does: Spiff would also compare its session correlations.
An external task is a service task in the STARTED state (engine.bpmn_parser.ExternalServiceTask).
"""
from __future__ import annotations

import copy
import threading
import weakref
from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from .bpmn_parser import INPUT_KEY, ExternalServiceTask
from .clock import Clock, running_on
from .instances import advance, properties_of
from .spiff_errors import Incident, incident_from


@dataclass(frozen=True)
class MessageWait:
    """A task waiting for a message: its correlation values come from the case's data."""

    task_id: str
    element: str
    message: str
    correlation: dict[str, str] = field(default_factory=dict)  # correlation property id -> value
    broadcast: bool = False


@dataclass(frozen=True)
class ExternalTask:
    task_id: str
    element: str
    topic: str
    input: dict


_KINDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # process spec -> (messages, external)
_KINDS_LOCK = threading.Lock()


def kinds_of(workflow) -> tuple[bool, bool]:
    """(has message catches, has external tasks) in the workflow's process and the processes it calls,
    once per spec object: most processes have neither, and then a command skips their two tables."""
    spec = workflow.spec
    with _KINDS_LOCK:
        found = _KINDS.get(spec)
    if found is None:
        specs = [spec, *(s for s in (workflow.subprocess_specs or {}).values() if s is not None)]
        task_specs = [t for s in specs for t in s.task_specs.values()]
        found = (any(_messages_of(getattr(t, "event_definition", None)) for t in task_specs),
                 any(isinstance(t, ExternalServiceTask) for t in task_specs))
        with _KINDS_LOCK:
            _KINDS[spec] = found
    return found


def _parts(definition) -> list:
    """The events a catch waits for: an event-based gateway's MultipleEventDefinition waits for the first of
    several; any other event definition is one."""
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def _messages_of(definition) -> list[MessageEventDefinition]:
    return [d for d in _parts(definition) if isinstance(d, MessageEventDefinition)]


def _element(task) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


def _message_definitions(task) -> list[MessageEventDefinition]:
    """The messages a waiting task catches: its own, or each of an event-based gateway's."""
    return _messages_of(getattr(task.task_spec, "event_definition", None))


def _message_definition(task, message: str | None = None) -> MessageEventDefinition | None:
    """The message definition of `task` named `message` (None: its first)."""
    return next((d for d in _message_definitions(task) if message is None or d.name == message), None)


def message_waits(workflow) -> list[MessageWait]:
    waits = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definitions = _message_definitions(task)
        if not definitions:
            continue
        broadcast = str(properties_of(task.task_spec).get("broadcast", "")).lower() == "true"
        for definition in definitions:
            waits.append(MessageWait(str(task.id), _element(task), definition.name,
                                     _correlation(workflow, definition, task.data), broadcast))
    return waits


def _correlation(workflow, definition: MessageEventDefinition, data: dict) -> dict[str, str]:
    """Each correlation property's retrieval expression evaluated on the waiting case's data. A property
    whose data is missing is left out: the case can then be reached only with --case."""
    values = {}
    # Spiff-modeler files say how the case's own data correlates (processVariableCorrelation); BPMN's
    # correlation properties say it for the payload, which in practice names the same data.
    props = [*getattr(definition, "process_correlations", []), *definition.correlation_properties]
    for prop in props:
        if prop.name in values:
            continue
        try:
            value = workflow.script_engine.environment.evaluate(prop.retrieval_expression, copy.copy(data))
        except Exception:  # noqa: BLE001 - missing data: not correlatable by this key
            continue
        if value is not None:
            values[prop.name] = str(value)
    return values


def deliver(workflow, task_id: str, data: dict, clock: Clock, message: str | None = None) -> None:
    """Deliver a message with `data` to the waiting task `task_id`, then run until the case waits.
    `message`: which one, when the task waits for several (an event-based gateway)."""
    task = workflow.get_task_from_id(UUID(task_id))
    definition = _message_definition(task, message) if task is not None else None
    if definition is None or task.state != TaskState.WAITING:
        raise LookupError(task_id)
    with running_on(clock):
        try:
            task.data.update(copy.deepcopy(data))
            # Spiff evaluates the correlation expressions on the payload: give it the case's data too.
            event = BpmnEvent(definition, payload={**copy.deepcopy(task.data), **copy.deepcopy(data)})
            task.task_spec.catch(task, event)
            task.task_spec._update(task)
            # Updating the catch inherits its predecessor's data again, and Spiff's DeepMerge lets the
            # parent win: a second catch of the same message (the ceremony after the workshop) would keep
            # the first delivery's values. The spiff message keeps its payload only with a message
            # variable, so the data goes in here, after the inherit, and the catch runs at once.
            if task.state == TaskState.READY:
                task.data.update(copy.deepcopy(data))
                task.run()
        except WorkflowException as err:
            raise incident_from(err) from err
        except Exception as err:  # e.g. a NameError from a correlation expression: an incident too
            raise Incident(_element(task), f"{type(err).__name__}: {err}") from err
    advance(workflow, clock)


def wait_details(workflow, task_id: str) -> tuple[dict, dict] | None:
    """(the catch's spiffworkflow properties, the case data at the catch) of a waiting message task;
    None when that task no longer waits. Group sessions read the kind a catch waits for from here."""
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.WAITING or _message_definition(task) is None:
        return None
    return dict(properties_of(task.task_spec)), task.data


def waiting_task_ids(workflow, element: str, message: str | None = None) -> list[str]:
    """Message waits of one BPMN element (the audit replay matches recorded deliveries by element), for
    `message` when the history names it."""
    return [w.task_id for w in message_waits(workflow) if w.element == element and message in (None, w.message)]


# -- external tasks ------------------------------------------------------------------------------
def external_tasks(workflow) -> list[ExternalTask]:
    found = []
    for task in workflow.get_tasks(state=TaskState.STARTED):
        if isinstance(task.task_spec, ExternalServiceTask):
            given = task.internal_data.get(INPUT_KEY)
            found.append(ExternalTask(str(task.id), _element(task), task.task_spec.operation_name or "",
                                      copy.deepcopy(given if given is not None else dict(task.data))))
    return found


def complete_external(workflow, task_id: str, data: dict, clock: Clock) -> None:
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.STARTED or not isinstance(task.task_spec, ExternalServiceTask):
        raise LookupError(task_id)
    with running_on(clock):
        try:
            task.data.update(copy.deepcopy(data))
            task.complete()
        except WorkflowException as err:
            raise incident_from(err) from err
        except Exception as err:  # noqa: BLE001 - a post-script failing must not half-apply
            raise Incident(_element(task), f"{type(err).__name__}: {err}") from err
    advance(workflow, clock)


def started_task_ids(workflow, element: str) -> list[str]:
    return [t.task_id for t in external_tasks(workflow) if t.element == element]


# -- what a case waits for (show) -------------------------------------------------------------------
def waiting_for(workflow) -> list[str]:
    """One line per thing the case waits on that is not a human task: message, signal, timer, worker."""
    lines = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        where = f" at {_element(task)}"
        for one in _parts(definition):
            if isinstance(one, MessageEventDefinition):
                lines.append(f"message '{one.name}'{where}")
            elif isinstance(one, SignalEventDefinition):
                lines.append(f"signal '{one.name}'{where}")
            elif isinstance(one, TimerEventDefinition):
                lines.append(f"timer{where}")
    lines += [f"external task on topic '{t.topic}' at {t.element}" for t in external_tasks(workflow)]
    return lines
