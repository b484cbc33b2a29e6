"""Deterministic SpiffWorkflow task ids.

SpiffWorkflow gives every new task a random uuid4. Work items, drafts, follow-ups and events name
tasks by id, and a case is loaded from its last snapshot plus the commands since (engine/snapshots.py):
the re-applied commands must make the very tasks, ids included, that the first run made. So each
workflow draws new ids from a counter seeded by its root task's id (random, stored in the snapshot):
the same commands on the same snapshot give the same ids. The counter travels with the serialized
workflow (engine/serialization.py).

Tasks made while no source is attached (the first predictions while a workflow is being built) keep
SpiffWorkflow's random ids: they are stored in the first snapshot like any other.
"""
from __future__ import annotations

import json
import uuid
from uuid import UUID, uuid5

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

ATTRIBUTE = "_traject_task_ids"


class TaskIds:
    """The ids a workflow gives its next tasks: uuid5(seed, "1"), uuid5(seed, "2"), ..."""

    def __init__(self, seed: UUID, issued: int = 0):
        self.seed = seed
        self.issued = issued

    def next(self) -> UUID:
        self.issued += 1
        return uuid5(self.seed, str(self.issued))


def attach(workflow, issued: int = 0, seed: UUID | None = None) -> None:
    """Give a top-level workflow its id source (a new one: issued 0; a restored one: its stored count).
    `seed`: another workflow's (a replay of a case makes the ids its first run made); else the root's id."""
    setattr(workflow, ATTRIBUTE, TaskIds(seed or workflow.task_tree.id, issued))


def issued(workflow) -> int:
    source = getattr(workflow, ATTRIBUTE, None)
    return source.issued if source is not None else 0


def seed_if_not_root(workflow) -> str | None:
    """The seed to store beside the workflow when it is not its root's id (a replayed workflow's)."""
    source = getattr(workflow, ATTRIBUTE, None)
    return str(source.seed) if source is not None and source.seed != workflow.task_tree.id else None


def stored_seed(text: str | None) -> UUID | None:
    """The id seed of a stored workflow (engine/serialization.py), None when there is none to read."""
    try:
        stored = json.loads(text) if text else None
        return UUID(stored.get("traject_task_seed") or stored["root"])
    except (ValueError, TypeError, KeyError, AttributeError):  # not a workflow Traject wrote: the replay
        return None  # falls back to taking an element's open tasks in order


def _next_id(workflow) -> UUID:
    top = getattr(workflow, "top_workflow", workflow)  # a subprocess draws from its case's counter
    source = getattr(top, ATTRIBUTE, None)
    return source.next() if source is not None else uuid.uuid4()  # looked up per call: a test's seeded uuid4 applies


_spiff_init = Task.__init__


def _init(self, workflow, task_spec, parent=None, state=TaskState.MAYBE, id=None):  # noqa: A002 - Spiff's name
    _spiff_init(self, workflow, task_spec, parent, state, id if id is not None else _next_id(workflow))


Task.__init__ = _init
