"""Erasure of one data category's fields when its own, shorter term ends (`bewaartermijn:<category>`).

The same convention as the erasure of a whole case (engine/purge.py), on fewer values: every event
payload that holds one of the category's fields loses those fields and is marked `"erased": true` (its
payload hash stays, so the chain verifies; a replay stops there and reports "erased"); the workflow
data and the case's facts lose them too. One `category_erased` event records the basis, the category,
its fields, the seqs it changed, a digest of what those payloads hold now and the state digest the
verified history reached; engine/audit/erasure.py checks what it claims. The case stays `completed`
(or `cancelled`): the rest of its data waits for the case's own term.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from .purge import CATEGORY_ERASED, ERASED_EVENT, kept_digest
from .store import repo
from .store.tables import Case, Event


def scrub(value, fields: frozenset[str]):
    """`value` without any dict entry named in `fields`, at any depth; (new value, whether it changed)."""
    if isinstance(value, dict):
        out, changed = {}, False
        for key, item in value.items():
            if key in fields:
                changed = True
                continue
            out[key], inner = scrub(item, fields)
            changed = changed or inner
        return out, changed
    if isinstance(value, list):
        pairs = [scrub(item, fields) for item in value]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return value, False


def current_workflow(session, case: Case, spec, subprocess_specs, script_engine_factory) -> str:
    """The case's whole workflow as JSON text: the snapshot with the commands since re-applied (after the
    erasure those commands' payloads can no longer be re-applied, so the row must hold all of it). A
    closed case's row holds the whole workflow already (closing stores it); this is for one that does not."""
    from . import snapshots
    from .serialization import dump_workflow

    if case.snapshot_seq is None:
        return case.workflow
    return dump_workflow(snapshots.restore(case, spec, subprocess_specs, script_engine_factory,
                                           lambda: snapshots.events_after_snapshot(session, case)))


def erase_category(session, case: Case, *, category: str, fields: tuple[str, ...], grond: str, actor: str,
                   now: datetime, state_digest: str | None, workflow_text: str) -> Event:
    """Erase `fields` (the category's) from `case` (locked by the caller, verified already)."""
    names = frozenset(fields)
    kept: dict[int, dict] = {}
    for event in session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.seq)):
        if event.type in (ERASED_EVENT, CATEGORY_ERASED) or not isinstance(event.data, dict):
            continue
        data, changed = scrub(event.data, names)
        if changed:
            event.data = kept[event.seq] = {**data, "erased": True}
    case.workflow = json.dumps(scrub(json.loads(workflow_text), names)[0], separators=(",", ":"))
    case.facts = scrub(case.facts, names)[0] if case.facts else case.facts
    case.snapshot_seq, case.updated_at = None, now  # the row holds the whole (erased) workflow
    session.flush()
    payload = {"basis": "bewaartermijn", "grond": grond, "category": category, "fields": sorted(names),
               "seqs": sorted(kept), "kept": kept_digest(kept), "state_digest": state_digest}
    return repo.append_event(session, case_id=case.id, type=CATEGORY_ERASED, at=now, actor=actor,
                             definition_id=case.definition_id, data=payload, state_digest=state_digest)
