"""Live workflows: restored BpmnWorkflow objects kept between commands in a long-running process.

The worker and the terminal app run many commands on the same cases; restoring a workflow from its
JSON costs a tenth of a task completion (a third to a half at a long history). This keeps the
restored objects, at most `capacity` of them, least recently used dropped first.

An entry is valid only for the exact stored row it was restored from or written as: keyed by case id
and lock version (every ORM write of a case row raises it), and checked against the stored workflow
text (so a write that bypasses the version, such as a purge in SQL, is never served stale). A command
*takes* its entry out before it runs the engine: if the command fails, rolls back or raises an incident,
the half-run object is simply gone. Only after a successful commit is the workflow put back, under the
case's new version (engine/store/db.py runs the session's after-commit hooks). A one-shot CLI command
has no LiveWorkflows and always restores from the row.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

DEFAULT_CAPACITY = 256


class LiveWorkflows:
    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[int, int, object]] = OrderedDict()
        self._lock = threading.Lock()  # the app runs engine calls in worker threads
        self.hits = self.misses = 0

    def take(self, case_id: str, lock_version: int, stored: str):
        """The workflow restored from exactly this row, removed from the cache (None: restore it)."""
        with self._lock:
            entry = self._entries.pop(case_id, None)
            return self._valid(entry, lock_version, stored)

    def peek(self, case_id: str, lock_version: int, stored: str):
        """Like take, for a read that changes nothing: the entry stays."""
        with self._lock:
            entry = self._entries.get(case_id)
            workflow = self._valid(entry, lock_version, stored)
            if workflow is not None:
                self._entries.move_to_end(case_id)
            elif entry is not None:
                del self._entries[case_id]
            return workflow

    def put(self, case_id: str, lock_version: int, stored: str, workflow) -> None:
        with self._lock:
            self._entries[case_id] = (lock_version, hash(stored), workflow)
            self._entries.move_to_end(case_id)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def drop(self, case_id: str) -> None:
        with self._lock:
            self._entries.pop(case_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _valid(self, entry, lock_version: int, stored: str):
        if entry is not None and entry[0] == lock_version and entry[1] == hash(stored):
            self.hits += 1
            return entry[2]
        self.misses += 1
        return None
