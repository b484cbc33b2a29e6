"""Deterministic replay: rebuild a case in a fresh workflow from its definition and its events alone.

Each command event is applied at its recorded clock time (scripts and timers see that time, never the
wall clock) with its recorded data; after it, the replayed state's digest is compared with the digest
the engine stored. A command followed by `incident_raised` was rolled back by the engine: the replay
must fail the same way and keep the state it had.

SpiffWorkflow is used only through engine.instances and engine.serialization.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .. import instances, waiting
from ..clock import fixed_clock
from ..scripting import BUDGET_EXCEEDED
from ..serialization import dump_workflow, load_workflow

COMMANDS = frozenset({"case_started", "task_completed", "timer_fired", "message_received",
                      "external_task_completed", "incident_resolved", "retry_failed"})
# `traject retry`: the engine steps run again on the stored state, like a timer poll.
ADVANCING = frozenset({"timer_fired", "incident_resolved", "retry_failed"})
# `traject migrate` (engine/migration.py): the case continues on another version of its process, in the
# state that the commands which took effect so far reach on that version.
MIGRATED = "case_migrated"


@dataclass
class Step:
    """What replaying one recorded event gave.

    status: ok | info | diverged | erased | not_replayed. `state` (the snapshot `state_digest` covers,
    as plain JSON values) is kept only when the replay was asked to keep states.
    """

    event: object
    status: str
    digest: str | None = None
    state: dict | None = None
    message: str | None = None
    incident: str | None = None  # the reproduced incident's message
    open: tuple[str, ...] = ()  # open tasks (element ids) after the event


class _Diverged(Exception):
    pass


class Replayer:
    """One case in a fresh workflow, one command at a time."""

    def __init__(self, spec, subprocess_specs, script_engine_factory, keep_states: bool = False,
                 resolve: Callable[[int], tuple] | None = None, id_seed=None):
        self.spec, self.subs = spec, subprocess_specs
        # The case's task-id seed (task_ids.stored_seed): the replay then makes the very task ids the case
        # made, so each recorded completion takes the task it names (engine/task_ids.py).
        self.id_seed = id_seed
        self.factory = script_engine_factory
        self.keep_states = keep_states
        self.resolve = resolve  # definition id -> (spec, subprocess specs): needed for migrated cases
        self.workflow = None

    def apply(self, event, incident_follows: bool, over_budget: bool = False) -> Step:
        """Apply a command event. Raises _Diverged when it cannot be applied as it was recorded.

        `over_budget`: the engine stopped this command at its script time budget. How long a script
        runs depends on the machine and its load, so the replay does not run it again: it only keeps
        the state from before the command, as the engine did."""
        clock = fixed_clock(event.at)
        payload = event.data
        if event.type == "case_started":
            self.workflow = self._new(payload.get("data") or {})
            run, saved = self._start(payload, clock), None
        else:
            if self.workflow is None:
                raise _Diverged("the case was not started before this event")
            saved = dump_workflow(self.workflow) if incident_follows else None  # only then: ~1 ms
            _restart_budget(self.workflow)  # the script time budget is per command, as in the engine
            run = self._command(event, payload, clock)
        incident = BUDGET_EXCEEDED if over_budget else self._run(run, incident_follows)
        if incident is not None:  # reproduced: the engine kept the state from before the command
            self.workflow = self._new(payload.get("data") or {}) if saved is None else self._load(saved)
        return self._snapshot(event, incident)

    def migrate(self, event, earlier: Sequence) -> Step:
        """Continue on the version a `case_migrated` event names, as `traject migrate` did: rebuild the
        state from the commands that took effect so far, on that version."""
        if self.resolve is None or event.definition_id is None:
            raise _Diverged("the migration names no process version to continue on")
        try:
            spec, subs = self.resolve(event.definition_id)
        except Exception as err:  # noqa: BLE001 - e.g. a deleted definition version: a finding
            raise _Diverged(f"the version the case was migrated to cannot be loaded: {err}") from None
        rebuilt = Replayer(spec, subs, self.factory, self.keep_states, id_seed=self.id_seed)
        failed = next((s for s in replay(earlier, rebuilt, effective_only=True)
                       if s.status in ("diverged", "erased")), None)
        if failed is not None or rebuilt.workflow is None:
            where = f"event {failed.event.seq}: {failed.message}" if failed else "nothing to rebuild"
            raise _Diverged(f"the migration does not reproduce on the new version ({where})")
        self.spec, self.subs, self.workflow = spec, subs, rebuilt.workflow
        return self._snapshot(event, None)

    def _start(self, payload: dict, clock) -> Callable[[], None]:
        if not payload.get("message"):
            return lambda: instances.advance(self.workflow, clock)

        def by_message():  # started by `traject message`: the start event received the data
            instances.advance(self.workflow, clock)
            self._deliver(payload.get("element"), payload.get("data") or {}, clock, payload.get("message"))()

        return by_message

    def _deliver(self, element: str | None, data: dict, clock, message: str | None) -> Callable[[], None]:
        ready = waiting.waiting_task_ids(self.workflow, element or "", message)
        if not ready:
            raise _Diverged(f"nothing waits for the message at '{element}' in the replay")
        return lambda: waiting.deliver(self.workflow, ready[0], data, clock, message)

    def _command(self, event, payload: dict, clock) -> Callable[[], None]:
        if event.type in ADVANCING:
            return lambda: instances.advance(self.workflow, clock)
        if event.type == "message_received":
            return self._deliver(payload.get("element"), payload.get("data") or {}, clock, payload.get("message"))
        if event.type == "external_task_completed":
            started = waiting.started_task_ids(self.workflow, event.task or "")
            if not started:
                raise _Diverged(f"external task '{event.task}' is not open in the replay")
            task_id = _recorded(started, payload.get("task_id"))
            return lambda: waiting.complete_external(self.workflow, task_id, payload.get("data") or {}, clock)
        ready = instances.ready_task_ids(self.workflow, event.task)
        if not ready:
            raise _Diverged(f"task '{event.task}' is not open (open: {', '.join(self.open_tasks()) or 'none'})")
        data, task_id = payload.get("data") or {}, _recorded(ready, payload.get("task_id"))
        return lambda: instances.complete(self.workflow, task_id, data, clock)

    def _run(self, run: Callable[[], None], incident_follows: bool) -> str | None:
        try:
            run()
        except instances.Incident as incident:
            if not incident_follows:
                raise _Diverged(f"the command fails in the replay: {_where(incident)}") from None
            return _where(incident)
        except Exception as err:  # noqa: BLE001 - a replay must report, never crash the verification
            raise _Diverged(f"the replay failed: {type(err).__name__}: {err}") from None
        if incident_follows:
            raise _Diverged("the engine recorded an incident here, but the command succeeds in the replay")
        return None

    def _snapshot(self, event, incident: str | None) -> Step:
        snapshot = instances.state_snapshot(self.workflow)
        text = instances.canonical_state(snapshot)
        digest = hashlib.sha256(text.encode()).hexdigest()
        state = json.loads(text) if self.keep_states else None
        return Step(event, "ok", digest, state, incident=incident, open=tuple(snapshot["open"]))

    def open_tasks(self) -> list[str]:
        return instances.state_snapshot(self.workflow)["open"] if self.workflow is not None else []

    def _new(self, data: dict):
        return instances.new_workflow(self.spec, self.subs, self.factory(), data, self.id_seed)

    def _load(self, text: str):
        workflow = load_workflow(text, self.spec, self.subs)
        workflow.script_engine = self.factory()
        return workflow


def _restart_budget(workflow) -> None:
    restart = getattr(getattr(workflow.script_engine, "environment", None), "restart_budget", None)
    if restart is not None:
        restart()


def _where(incident) -> str:
    return f"{incident.message} (at {incident.task})" if incident.task else incident.message


def replay(events: Sequence, replayer: Replayer,
           expected: Callable[[object], str | None] = lambda e: e.state_digest,
           effective_only: bool = False) -> Iterator[Step]:
    """Replay `events` (one case, by seq), yielding a Step per event. The first event whose replayed
    digest differs from `expected(event)`, or that cannot be applied, is `diverged`; the replay stops
    there (later states would only repeat the difference) and the rest is `not_replayed`.

    `effective_only`: replay on another version only the commands that took effect. A command the
    engine rolled back (an incident followed it) changed nothing, so it is not run again there; on a
    fixed version it would succeed, and that is the point of moving a case stuck in an incident. Earlier
    migrations are information then: the whole history is replayed on the one version."""
    stopped = False
    last: Step | None = None
    for index, event in enumerate(events):
        if stopped:
            yield Step(event, "not_replayed")
            continue
        following = events[index + 1] if index + 1 < len(events) else None
        if effective_only and event.type in COMMANDS and event.data is not None and rolled_back(event, following):
            yield _info(event, last, "rolled back on its own version: not replayed on this one")
            continue
        if event.type == MIGRATED and not effective_only:
            try:
                step = replayer.migrate(event, events[:index])
            except _Diverged as err:
                stopped = True
                yield Step(event, "diverged", message=str(err))
                continue
            if event.state_digest is not None and step.digest != event.state_digest:
                step.status, stopped = "diverged", True
                step.message = "the state on the new version differs from the state recorded at the migration"
            elif isinstance(event.data, dict) and event.data.get("to_version"):
                step.message = (f"migrated from version {event.data.get('from_version')} to "
                                f"{event.data['to_version']}: the case goes on there")
            last = step
            yield step
            continue
        if event.type not in COMMANDS:
            yield Step(event, "info", last.digest, last.state, open=last.open) if last else Step(event, "info")
            continue
        if event.data is None or (isinstance(event.data, dict) and event.data.get("erased") is True):
            # erased for privacy (the chain check tells erased from removed, erasure.py checks the erasure)
            stopped = True
            yield Step(event, "erased", message="erased: the payload was erased for privacy; the replay stops here")
            continue
        incident_follows = rolled_back(event, following)
        try:
            step = replayer.apply(event, incident_follows, incident_follows and _over_budget(following))
        except _Diverged as err:
            stopped = True
            yield Step(event, "diverged", message=str(err))
            continue
        except Exception as err:  # noqa: BLE001 - e.g. a payload altered into something unusable
            stopped = True
            yield Step(event, "diverged", message=f"the replay failed: {type(err).__name__}: {err}")
            continue
        want = expected(event)
        if want is not None and step.digest != want:
            step.status, stopped = "diverged", True
            step.message = ("the replayed state differs from the recorded state (open tasks in the replay: "
                            f"{', '.join(step.open) or 'none'})")
        last = step
        yield step


def _info(event, last: Step | None, message: str) -> Step:
    if last is None:
        return Step(event, "info", message=message)
    return Step(event, "info", last.digest, last.state, message=message, open=last.open)


def _over_budget(incident_event) -> bool:
    data = incident_event.data if isinstance(incident_event.data, dict) else {}
    return BUDGET_EXCEEDED in str(data.get("message", ""))


def rolled_back(event, following) -> bool:
    """The engine records a rolled-back command as the command event and, right after it, an
    incident_raised naming that command."""
    if following is None or following.type != "incident_raised":
        return False
    data = following.data if isinstance(following.data, dict) else {}
    return data.get("command", event.type) == event.type


def _recorded(open_ids: list[str], recorded: object) -> str:
    """Which of an element's open tasks the recorded command took: the one with the recorded id (a replay
    seeded with the case's task-id seed makes the same ids: three parallel instances of a multi-instance
    task may be completed in any order), else the first (no seed to read, or a replay on another version)."""
    return recorded if isinstance(recorded, str) and recorded in open_ids else open_ids[0]

