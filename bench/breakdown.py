"""Where a command's time goes, without a profiler's distortion.

Wraps a few engine functions (and Session.flush/commit) for the duration of a `with` block and charges
each call its *exclusive* time (minus the wrapped calls nested in it), so the phases add up to the
command's wall time, the rest being "other" (session set-up, ORM bookkeeping, SQL not listed). Only
the bench patches; the engine code is unchanged. Each wrapper costs about a microsecond.
"""
from __future__ import annotations

import contextlib
import time
from collections import defaultdict

# (module path, attribute, phase). Modules are patched where the caller looks the name up.
TARGETS = (
    ("engine.cases", "work_item", "find work item + lock case"),
    ("engine.cases", "lock_task", "find work item + lock case"),
    ("engine.store.repo", "case_for_update", "find work item + lock case"),
    ("engine.store.repo", "definition", "definition row (JSON columns)"),
    ("engine.store.repo", "latest_definition", "definition row (JSON columns)"),
    ("engine.snapshots", "load_workflow", "deserialize workflow"),
    ("engine.instances", "new_workflow", "spiff: run (task, scripts, DMN, gateways)"),
    ("engine.instances", "complete", "spiff: run (task, scripts, DMN, gateways)"),
    ("engine.instances", "advance", "spiff: run (task, scripts, DMN, gateways)"),
    ("engine.forms", "validate", "form validation (jsonschema)"),
    ("engine.cases", "dump_workflow", "serialize workflow"),
    ("engine.instances", "case_data", "derived state (task-tree walks, digest)"),
    ("engine.instances", "state_snapshot", "derived state (task-tree walks, digest)"),
    ("engine.instances", "current_stage", "derived state (task-tree walks, digest)"),
    ("engine.instances", "human_tasks", "derived state (task-tree walks, digest)"),
    ("engine.instances", "waiting_timers", "derived state (task-tree walks, digest)"),
    ("engine.instances", "state_digest", "derived state (task-tree walks, digest)"),
    ("engine.cases", "_sync_work_items", "work items: select/delete/insert"),
    ("engine.store.repo", "append_event", "event: previous event + hash chain"),
    ("engine.store.repo", "append_event_row", "event: previous event + hash chain"),
    ("engine.store.rows", "insert_events", "case row, work items, event: Core INSERT/UPDATE"),
    ("engine.store.rows", "write_items", "case row, work items, event: Core INSERT/UPDATE"),
    ("engine.store.rows", "write_case", "case row, work items, event: Core INSERT/UPDATE"),
    ("engine.worklist", "query", "open tasks query"),
)
SESSION_METHODS = (("flush", "ORM flush (INSERT/UPDATE)"), ("commit", "commit"))


class PhaseTimer:
    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[float] = []  # time spent in nested wrapped calls, per open frame

    def wrap(self, fn, phase: str):
        def wrapper(*args, **kwargs):
            self._stack.append(0.0)
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                nested = self._stack.pop()
                self.totals[phase] += elapsed - nested
                if self._stack:
                    self._stack[-1] += elapsed

        wrapper.__wrapped__ = fn
        return wrapper


@contextlib.contextmanager
def phases():
    """Yield a PhaseTimer while the engine functions are wrapped; restore them afterwards."""
    import importlib

    from sqlalchemy.orm import Session

    timer = PhaseTimer()
    restore = []
    for module_name, attr, phase in TARGETS:
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        restore.append((module, attr, original))
        setattr(module, attr, timer.wrap(original, phase))
    for attr, phase in SESSION_METHODS:
        original = getattr(Session, attr)
        restore.append((Session, attr, original))
        setattr(Session, attr, timer.wrap(original, phase))
    try:
        yield timer
    finally:
        for owner, attr, original in reversed(restore):
            setattr(owner, attr, original)
