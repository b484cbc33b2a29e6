"""A keyed hash over a case row and its work items, so edits made outside the engine show in verify.

The event chain covers what happened; the case row and the work items are what a municipality acts on
(worklists read only work_items). The engine writes this HMAC with every event; `audit verify`
recomputes it from what is stored. The workflow column is covered separately: verify replays the
history and compares the stored workflow's state with it.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from .chain import canonical

CASE_FIELDS = ("id", "definition_id", "process_id", "gemeente", "status", "stage", "person_name", "bsn",
               "next_timer_at", "deadline", "incident", "last_event_hash", "previous_case")
ITEM_FIELDS = ("id", "process_id", "gemeente", "task", "title", "role", "form", "ui_form", "stage", "due_at",
               "assignee", "person_name", "bsn", "created_at")


def row_hash(key: bytes, case, items) -> str:
    """`case` and `items` may be ORM objects or Core rows: only the named attributes are read."""
    value = {"case": _values(case, CASE_FIELDS),
             "items": sorted((_values(item, ITEM_FIELDS) for item in items), key=lambda v: v["id"])}
    return hmac.new(key, canonical(value), hashlib.sha256).hexdigest()


def _values(row, fields: tuple[str, ...]) -> dict:
    out = {}
    for name in fields:
        value = getattr(row, name)
        out[name] = value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
    return out
