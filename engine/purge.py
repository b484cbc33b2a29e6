"""Erasure of a case's personal data (AVG art. 5 lid 1 sub e and art. 17) with its audit chain intact.

What is erased, in the one transaction of the command:
- the case row: person name, BSN and incident go; the stored workflow becomes a fresh, empty workflow of
  its version (no task data), so every reader still works; status `erased`;
- every event payload: NULL, or for the figures a municipality reports only the non-personal facts the
  KPI queries read (engine/kpis.py: `resultaat`, `aanwezig`, `tolk_uren`, ...) as
  `{"erased": true, "data": {...}}`; notes are removed whole;
- the rows that exist while a case is open: work items, message waits (a correlation value may be a
  BSN), external tasks, drafts and follow-ups.
The event rows stay with their payload hashes, so the chain verifies. One `case_erased` event closes the
history: the basis (`bewaartermijn` with the term, or `verzoek` with the article 17 reason), the erased
seqs, a digest of the facts kept and the state digest the history reached. Before erasing, the case is
verified (chain and replay): a history that does not verify is not erased, because after erasure
nobody could check it any more (engine/audit/erasure.py checks what the event claims).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from .audit.chain import canonical
from .retention import CLOSED, CLOSING_EVENTS, term_of
from .store import repo
from .store.tables import Case, DefinitionVersion, Draft, Event, FollowUp, MessageWait, ServiceItem, WorkItem

ERASED_EVENT = "case_erased"
ERASED_STATUS = "erased"
# Form fields the monitoring figures read (engine/kpis.py, engine/budget.py): choices, numbers, dates.
KEPT_FIELDS = ("resultaat", "aanwezig", "tolk_uren", "verwijtbaar", "doelgroep", "datum_ondertekening",
               "datum_duo_registratie", "regime", "reden_niet_voldaan")
MAX_KEPT_TEXT = 40  # a longer string is free text, never kept


@dataclass(frozen=True)
class RetentionItem:
    """One closed case and when its term ends."""

    case_id: str
    process_id: str
    version: int
    gemeente: str
    status: str
    closed_at: datetime
    term: str | None  # the version's bewaartermijn, None when it declares none
    due_at: datetime | None
    due: bool

    def to_json(self) -> dict:
        return {"case_id": self.case_id, "process_id": self.process_id, "version": self.version,
                "gemeente": self.gemeente, "status": self.status, "closed_at": self.closed_at.isoformat(),
                "bewaartermijn": self.term, "due_at": self.due_at.isoformat() if self.due_at else None,
                "due": self.due}


def retention_items(session, visible, now: datetime, case_ids=None) -> list[RetentionItem]:
    """Closed cases in `visible` (a rights clause on Case.gemeente), soonest due first."""
    closed = (select(Event.case_id, func.max(Event.at).label("closed_at"))
              .where(Event.type.in_(CLOSING_EVENTS)).group_by(Event.case_id).subquery())
    stmt = (select(Case.id, Case.process_id, Case.gemeente, Case.status, Case.definition_id, closed.c.closed_at)
            .join(closed, closed.c.case_id == Case.id).where(visible, Case.status.in_(CLOSED)))
    if case_ids is not None:
        stmt = stmt.where(Case.id.in_(list(case_ids)))
    terms: dict[int, tuple] = {}
    items = []
    for row in session.execute(stmt):
        if row.definition_id not in terms:
            definition = session.get(DefinitionVersion, row.definition_id)
            terms[row.definition_id] = (definition.version, term_of(definition.sources, definition.process_id))
        version, term = terms[row.definition_id]
        due_at = term.after(row.closed_at) if term else None
        items.append(RetentionItem(row.id, row.process_id, version, row.gemeente, row.status, row.closed_at,
                                   term.text if term else None, due_at, due_at is not None and due_at <= now))
    items.sort(key=lambda i: (i.due_at is None, i.due_at or i.closed_at, i.case_id))
    return items


def kept_facts(data) -> dict | None:
    """What of an event payload survives erasure: the KPI facts, or nothing (None)."""
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        return None
    kept = {}
    for name in KEPT_FIELDS:
        value = data["data"].get(name)
        if isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= MAX_KEPT_TEXT):
            kept[name] = value
    return {"erased": True, "data": kept} if kept else None


def kept_digest(kept: dict[int, dict | None]) -> str:
    """One digest over every erased seq's remaining payload (NULL included), recorded in case_erased."""
    return hashlib.sha256(canonical({str(seq): value for seq, value in sorted(kept.items())})).hexdigest()


def erase(session, case: Case, *, basis: str, grond: str, actor: str, now: datetime,
          state_digest: str | None, empty_workflow: str) -> Event:
    """Erase `case` (locked by the caller, verified already); returns the case_erased event."""
    events = list(session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.seq)))
    kept: dict[int, dict | None] = {}
    for event in events:
        if event.type == "note_added":
            event.data = None  # a note is free text about the person: nothing of it is a fact to keep
        else:
            event.data = kept_facts(event.data)
        kept[event.seq] = event.data
    task_ids = [i for i in session.scalars(select(WorkItem.id).where(WorkItem.case_id == case.id))]
    task_ids += [e.task_id for e in events if e.task_id]
    if task_ids:
        session.execute(delete(FollowUp).where(FollowUp.task_id.in_(task_ids)))
    for table in (WorkItem, MessageWait, ServiceItem, Draft):
        session.execute(delete(table).where(table.case_id == case.id))
    case.person_name = case.bsn = case.incident = None
    case.workflow, case.next_timer_at, case.snapshot_seq = empty_workflow, None, None  # nothing to re-apply
    case.status, case.updated_at = ERASED_STATUS, now
    session.flush()
    payload = {"basis": basis, "grond": grond, "seqs": sorted(kept), "kept": kept_digest(kept),
               "state_digest": state_digest}
    return repo.append_event(session, case_id=case.id, type=ERASED_EVENT, at=now, actor=actor,
                             definition_id=case.definition_id, data=payload, state_digest=state_digest)
