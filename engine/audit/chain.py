"""The per-case hash chain over events.

Each event's hash covers the previous event's hash, its type, task, actor, clock time, definition
version and the hash of its payload (not the payload itself), so a payload can later be erased for
privacy while the chain still verifies.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def payload_hash(data: dict | None) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def event_hash(*, prev_hash: str, case_id: str, seq: int, type: str, task: str | None, actor: str | None,
               at: datetime, definition_id: int | None, payload_digest: str,
               state_digest: str | None) -> str:
    header = {
        "prev": prev_hash, "case": case_id, "seq": seq, "type": type, "task": task, "actor": actor,
        "at": at.astimezone(UTC).isoformat(), "definition": definition_id, "payload": payload_digest, "state": state_digest,
    }
    return hashlib.sha256(canonical(header)).hexdigest()
