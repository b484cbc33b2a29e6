"""Verify one case's hash chain: payload hashes, event hashes, links, seq continuity and the anchor.

Each tampering shows as one finding at the event where it is visible, not as a cascade: a seq edit is
named a reordering (the event's hash matches another seq), and the broken link that a missing or moved
event causes at its neighbour is not reported again.

A payload may be erased for privacy, only by `traject purge`: its data is then NULL (or the facts kept
for the figures, `{"erased": true, ...}`) and the case's closing `case_erased` event names its seq
(`{"seqs": [...]}`). The payload hash stands and the chain still verifies; engine/audit/erasure.py checks
that the erasure is what `traject purge` writes. An erasure any other way (the older `payload_erased`
convention included) is a removed payload.
"""
from __future__ import annotations

from collections.abc import Sequence

from . import chain
from .views import Finding

ERASURE_EVENT = "case_erased"
ERASURE_EVENTS = (ERASURE_EVENT, "category_erased")  # the whole case, or one data category's fields


def erased_seqs(events: Sequence) -> set[int]:
    """Seqs whose payload a later, chained `case_erased` or `category_erased` event declares erased."""
    erased: set[int] = set()
    for event in events:
        if event.type in ERASURE_EVENTS and isinstance(event.data, dict):
            erased.update(s for s in event.data.get("seqs", ()) if isinstance(s, int) and s < event.seq)
    return erased


def check_chain(case_id: str, events: Sequence, anchor: str | None, key: bytes | None = None) -> list[Finding]:
    """Findings for `events` (one case, ordered by seq); `anchor` is the case row's last_event_hash,
    `key` the installation's audit key (for events with hash_version KEYED)."""
    findings: list[Finding] = []
    erased = erased_seqs(events)
    by_hash = {e.hash: e.seq for e in events}
    max_seq = max((e.seq for e in events), default=0)
    expected_seq, prev_hash, prev_seq, prev_bad = 1, chain.GENESIS, None, False
    keyed_before = False  # an unkeyed event after a keyed one is a forgery by someone without the key
    for event in events:
        gap = event.seq > expected_seq
        if gap:
            findings.append(_missing(case_id, expected_seq, event.seq - 1))
        header = _check_header(case_id, event, max_seq, key, keyed_before)
        if header:
            findings.append(header)
        payload = _check_payload(case_id, event, erased)
        if payload:
            findings.append(payload)
        if event.prev_hash != prev_hash and not (gap or header or prev_bad):
            findings.append(_broken_link(case_id, event, prev_seq, by_hash.get(event.prev_hash)))
        expected_seq, prev_hash, prev_seq, prev_bad = event.seq + 1, event.hash, event.seq, bool(header)
        keyed_before = keyed_before or _keyed(event)
    anchor_finding = _check_anchor(case_id, events, anchor, by_hash, prev_bad)
    if anchor_finding:
        findings.append(anchor_finding)
    return findings


def _keyed(event) -> bool:
    return getattr(event, "hash_version", None) == chain.KEYED


def _event_hash(case_id: str, event, seq: int, key: bytes | None) -> str:
    if event.at is None:  # a time that does not parse (history.Unreadable): it was written over
        return ""
    if _keyed(event) and key is None:
        return ""  # the key is gone: nothing keyed can be confirmed
    return chain.event_hash(prev_hash=event.prev_hash, case_id=case_id, seq=seq, type=event.type,
                            task=event.task, actor=event.actor, at=event.at,
                            definition_id=event.definition_id, payload_digest=event.payload_hash,
                            state_digest=event.state_digest, key=key if _keyed(event) else None)


def _check_header(case_id: str, event, max_seq: int, key: bytes | None, keyed_before: bool) -> Finding | None:
    if not _keyed(event) and (keyed_before or getattr(event, "hash_version", None) is not None):
        return Finding(case_id, event.seq, "altered_event",
                       "the event is not signed with the installation's audit key, although the events "
                       "before it are: it was added or rewritten outside the engine")
    if _event_hash(case_id, event, event.seq, key) == event.hash:
        return None
    # Only on failure: does the hash match another position? Then the row was moved, not edited.
    recorded = next((s for s in range(1, max_seq + 2)
                     if s != event.seq and _event_hash(case_id, event, s, key) == event.hash), None)
    if recorded is not None:
        return Finding(case_id, event.seq, "reordered_event",
                       f"the event recorded as number {recorded} is stored as number {event.seq}")
    return Finding(case_id, event.seq, "altered_event",
                   "the event's hash does not match its contents (type, task, actor, time, definition, "
                   "payload hash or state digest was changed)")


def _check_payload(case_id: str, event, erased: set[int]) -> Finding | None:
    if event.seq in erased and (event.data is None or (isinstance(event.data, dict) and event.data.get("erased") is True)):
        return None  # erased for privacy: the payload hash stands (erasure.py checks the facts kept)
    if chain.payload_hash(event.data) == event.payload_hash:
        return None
    if event.data is None:
        return Finding(case_id, event.seq, "altered_payload", "the payload was removed without a recorded erasure")
    return Finding(case_id, event.seq, "altered_payload", "the payload does not match its recorded hash")


def _missing(case_id: str, first: int, last: int) -> Finding:
    which = f"event {first} is" if first == last else f"events {first} to {last} are"
    return Finding(case_id, first, "missing_event", f"{which} missing from the chain")


def _broken_link(case_id: str, event, prev_seq: int | None, target: int | None) -> Finding:
    if target is not None:
        message = f"links to event {target} instead of event {prev_seq}"
    elif prev_seq is None:
        message = "the first event does not start the chain"
    else:
        message = f"does not link to event {prev_seq}: an event before it was altered, removed or inserted"
    return Finding(case_id, event.seq, "broken_link", message)


def _check_anchor(case_id: str, events: Sequence, anchor: str | None, by_hash: dict,
                  last_bad: bool) -> Finding | None:
    if not events:
        return Finding(case_id, None, "missing_event", "the case has no events")
    last = events[-1]
    if anchor == last.hash or last_bad:  # an altered last event is reported already
        return None
    if anchor is None:
        return Finding(case_id, last.seq, "broken_link", "the case row records no last event hash")
    if anchor in by_hash:
        return Finding(case_id, by_hash[anchor] + 1, "broken_link",
                       f"events after {by_hash[anchor]} were added outside the engine")
    return Finding(case_id, last.seq + 1, "missing_event",
                   f"the chain ends at event {last.seq} but the case's last recorded event is not there: "
                   "the last event(s) were deleted")
