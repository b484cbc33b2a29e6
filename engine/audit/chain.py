"""The per-case hash chain over events.

Since migration 0004 the hash is an HMAC-SHA256 with the installation's audit key (hash_version 2),
so someone with the code but not the key cannot recompute a forged event's hash; events written
before it keep their unkeyed SHA-256 (hash_version NULL) and verify as they always did.

Each event's hash covers the previous event's hash, its type, task, actor, clock time, definition
version and the hash of its payload (not the payload itself), so a payload can later be erased for
privacy while the chain still verifies.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS = "0" * 64
KEYED = 2  # events.hash_version of the HMAC chain


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def payload_hash(data: dict | None) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def event_hash(*, prev_hash: str, case_id: str, seq: int, type: str, task: str | None, actor: str | None,
               at: datetime, definition_id: int | None, payload_digest: str,
               state_digest: str | None, key: bytes | None = None) -> str:
    """SHA-256 of the header, or with `key` its HMAC (hash_version KEYED)."""
    header = {
        "prev": prev_hash, "case": case_id, "seq": seq, "type": type, "task": task, "actor": actor,
        "at": at.astimezone(UTC).isoformat(), "definition": definition_id, "payload": payload_digest, "state": state_digest,
    }
    if key is not None:
        return hmac.new(key, canonical(header), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical(header)).hexdigest()
