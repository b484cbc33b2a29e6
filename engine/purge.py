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

from . import sessions
from .audit.chain import canonical
from .retention import CLOSED, CLOSING_EVENTS, category_fields, category_terms, term_of
from .store import repo
from .store.tables import Case, DefinitionVersion, Draft, Event, FollowUp, MessageWait, ServiceItem, WorkItem

ERASED_EVENT = "case_erased"
CATEGORY_ERASED = "category_erased"  # one data category's fields, at its shorter term (category_erasure.py)
ERASED_STATUS = "erased"
# Form fields the monitoring figures read (engine/kpis.py, engine/budget.py): choices, numbers, dates.
KEPT_FIELDS = ("resultaat", "aanwezig", "tolk_uren", "verwijtbaar", "doelgroep", "datum_ondertekening",
               "datum_duo_registratie", "regime", "reden_niet_voldaan", "sessie_soort", "sessie_uitkomst")
MAX_KEPT_TEXT = 40  # a longer string is free text, never kept


@dataclass(frozen=True)
class CategoryDue:
    """One data category of a closed case with a term of its own (bewaartermijn:<category>)."""

    category: str
    term: str
    fields: tuple[str, ...]
    due_at: datetime
    due: bool  # past its term and not erased yet
    erased: bool

    def to_json(self) -> dict:
        return {"category": self.category, "bewaartermijn": self.term, "fields": list(self.fields),
                "due_at": self.due_at.isoformat(), "due": self.due, "erased": self.erased}


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
    categories: tuple[CategoryDue, ...] = ()

    @property
    def pending(self) -> bool:
        """Something of the case is due: the whole case, or a category's fields."""
        return self.due or any(c.due for c in self.categories)

    def to_json(self) -> dict:
        return {"case_id": self.case_id, "process_id": self.process_id, "version": self.version,
                "gemeente": self.gemeente, "status": self.status, "closed_at": self.closed_at.isoformat(),
                "bewaartermijn": self.term, "due_at": self.due_at.isoformat() if self.due_at else None,
                "due": self.due, "categories": [c.to_json() for c in self.categories]}


def retention_items(session, visible, now: datetime, case_ids=None) -> list[RetentionItem]:
    """Closed cases in `visible` (a rights clause on Case.gemeente), soonest due first."""
    closed = (select(Event.case_id, func.max(Event.at).label("closed_at"))
              .where(Event.type.in_(CLOSING_EVENTS)).group_by(Event.case_id).subquery())
    stmt = (select(Case.id, Case.process_id, Case.gemeente, Case.status, Case.definition_id, closed.c.closed_at)
            .join(closed, closed.c.case_id == Case.id).where(visible, Case.status.in_(CLOSED)))
    if case_ids is not None:
        stmt = stmt.where(Case.id.in_(list(case_ids)))
    terms: dict[int, tuple] = {}
    rows = session.execute(stmt).all()
    erased = _erased_categories(session, [r.id for r in rows])
    items = []
    for row in rows:
        if row.definition_id not in terms:
            terms[row.definition_id] = _terms(session.get(DefinitionVersion, row.definition_id))
        version, term, by_category = terms[row.definition_id]
        due_at = term.after(row.closed_at) if term else None
        categories = tuple(_category_due(category, period, fields, row.closed_at, now,
                                         category in erased.get(row.id, ()))
                           for category, (period, fields) in by_category.items())
        items.append(RetentionItem(row.id, row.process_id, version, row.gemeente, row.status, row.closed_at,
                                   term.text if term else None, due_at, due_at is not None and due_at <= now,
                                   categories))
    items.sort(key=lambda i: (i.due_at is None, i.due_at or i.closed_at, i.case_id))
    return items


def _terms(definition: DefinitionVersion) -> tuple:
    """(version, case term, {category: (term, fields)}) of one deployed version."""
    sources, process_id = definition.sources, definition.process_id
    fields = category_fields(sources)
    by_category = {category: (period, tuple(fields.get(category, ())))
                   for category, period in sorted(category_terms(sources, process_id).items())}
    return definition.version, term_of(sources, process_id), by_category


def _category_due(category, period, fields, closed_at, now, erased: bool) -> CategoryDue:
    due_at = period.after(closed_at)
    return CategoryDue(category, period.text, fields, due_at, not erased and bool(fields) and due_at <= now, erased)


def _erased_categories(session, case_ids: list[str]) -> dict[str, set[str]]:
    """{case_id: categories erased already} from the cases' category_erased events."""
    found: dict[str, set[str]] = {}
    for chunk in range(0, len(case_ids), 500):  # a bounded IN list
        for case_id, data in session.execute(select(Event.case_id, Event.data).where(
                Event.type == CATEGORY_ERASED, Event.case_id.in_(case_ids[chunk:chunk + 500]))):
            if isinstance(data, dict) and data.get("category"):
                found.setdefault(case_id, set()).add(data["category"])
    return found


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
        if event.type == CATEGORY_ERASED:
            pass  # an earlier category erasure holds no personal data: its claims stay checkable
        elif event.type == "note_added":
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
    sessions.withdraw_ended_case(session, case.id, actor, now)
    case.person_name = case.bsn = case.incident = None
    case.workflow, case.next_timer_at, case.snapshot_seq = empty_workflow, None, None  # nothing to re-apply
    case.status, case.updated_at = ERASED_STATUS, now
    session.flush()
    payload = {"basis": basis, "grond": grond, "seqs": sorted(kept), "kept": kept_digest(kept),
               "state_digest": state_digest}
    return repo.append_event(session, case_id=case.id, type=ERASED_EVENT, at=now, actor=actor,
                             definition_id=case.definition_id, data=payload, state_digest=state_digest)
