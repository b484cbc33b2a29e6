"""Checks on an erasure, so that one cannot be forged to hide an edit (tamper sweep, issue 13 (b)).

Only `traject purge` erases, and it writes exactly one shape (engine/purge.py): the whole case at once,
closed by a `case_erased` event that is the last of the history, names every seq before it, records its
basis, a digest of the facts kept for the figures and the state digest the verified history reached,
which must be the last state digest the chain recorded. The case row then holds no person and has status
`erased`. Anything else that looks like an erasure (a NULL payload, the older `payload_erased` event, a
case_erased that names only some seqs) is a finding.

A data category with a shorter term of its own is erased before the case, by one `category_erased`
event (engine/category_erasure.py): it must record its basis, category and fields, name exactly the
earlier events whose payloads it marked erased, match the digest of what those payloads hold now, leave
none of its fields in any payload, and record the state the history reached. Once the whole case is
erased, its payloads are the case erasure's: only the category event's own claims are checked then.
"""
from __future__ import annotations

from collections.abc import Sequence

from .views import Finding

ERASED = "case_erased"
CATEGORY = "category_erased"
LEGACY = "payload_erased"
BASES = ("bewaartermijn", "verzoek")


def findings(case_id: str, case, events: Sequence) -> list[Finding]:
    from ..purge import kept_digest

    found = [Finding(case_id, e.seq, "forged_erasure", "a payload_erased event: only `traject purge` erases, "
                     "with one case_erased event; this erasure was written outside it")
             for e in events if e.type == LEGACY]
    found += [f for e in events if e.type == CATEGORY for f in _category_findings(case_id, e, events)]
    erasures = [e for e in events if e.type == ERASED]
    if not erasures:
        return found
    event = erasures[0]
    data = event.data if isinstance(event.data, dict) else {}
    before = [e for e in events if e.seq < event.seq]
    problems = []
    if len(erasures) > 1 or events[-1].seq != event.seq:
        problems.append("events follow the erasure")
    if data.get("basis") not in BASES or not str(data.get("grond") or "").strip():
        problems.append("it records no basis (bewaartermijn or an article 17 request)")
    if sorted(data.get("seqs") or ()) != [e.seq for e in before]:
        problems.append("it does not name every event before it")
    if data.get("kept") != kept_digest({e.seq: e.data for e in before}):
        problems.append("the facts kept for the figures are not those it recorded")
    recorded = next((e.state_digest for e in reversed(before) if e.state_digest), None)
    if data.get("state_digest") != recorded or event.state_digest != recorded:
        problems.append("the state it records is not the state the history reached")
    if case is not None and (case.status != "erased" or case.person_name or case.bsn):
        problems.append("the case row still holds the person or is not marked erased")
    if problems:
        found.append(Finding(case_id, event.seq, "forged_erasure", "the erasure is not one `traject purge` "
                             "wrote: " + "; ".join(problems)))
    return found


def _category_findings(case_id: str, event, events: Sequence) -> list[Finding]:
    from ..category_erasure import scrub
    from ..purge import kept_digest

    data = event.data if isinstance(event.data, dict) else {}
    before = [e for e in events if e.seq < event.seq]
    fields = frozenset(f for f in data.get("fields") or () if isinstance(f, str))
    seqs = data.get("seqs") or []
    problems = []
    if data.get("basis") != "bewaartermijn" or not str(data.get("grond") or "").strip() or not data.get("category"):
        problems.append("it records no basis (a category's bewaartermijn)")
    if not fields:
        problems.append("it names no fields")
    if not all(isinstance(s, int) and s < event.seq for s in seqs):
        problems.append("it names events that do not come before it")
    if not any(e.type == ERASED for e in events):  # the payloads are still the category erasure's own
        marked = [e.seq for e in before if isinstance(e.data, dict) and e.data.get("erased") is True
                  and e.type != CATEGORY]
        named = set(seqs)
        if any(s not in named for s in marked if not _named_elsewhere(s, event, events)):
            problems.append("payloads are marked erased that it does not name")
        overwritten = any(named & set(e.data.get("seqs") or ()) for e in events  # a later category
                          if e.type == CATEGORY and e.seq > event.seq and isinstance(e.data, dict))  # erased more
        if not overwritten and data.get("kept") != kept_digest({e.seq: e.data for e in before if e.seq in named}):
            problems.append("the payloads it erased are not what it recorded")
        if any(scrub(e.data, fields)[1] for e in before if e.type not in (CATEGORY, ERASED)):
            problems.append("a payload still holds one of its fields")
    recorded = next((e.state_digest for e in reversed(before) if e.state_digest), None)
    if data.get("state_digest") != recorded or event.state_digest != recorded:
        problems.append("the state it records is not the state the history reached")
    if not problems:
        return []
    return [Finding(case_id, event.seq, "forged_erasure", "the category erasure is not one `traject purge` "
                    "wrote: " + "; ".join(problems))]


def _named_elsewhere(seq: int, event, events: Sequence) -> bool:
    """Whether another category erasure names `seq` (two categories may erase the same payload)."""
    return any(e.type == CATEGORY and e is not event and isinstance(e.data, dict) and seq in (e.data.get("seqs") or ())
               for e in events)
