"""Checks on an erasure, so that one cannot be forged to hide an edit (tamper sweep, issue 13 (b)).

Only `traject purge` erases, and it writes exactly one shape (engine/purge.py): the whole case at once,
closed by a `case_erased` event that is the last of the history, names every seq before it, records its
basis, a digest of the facts kept for the figures and the state digest the verified history reached,
which must be the last state digest the chain recorded. The case row then holds no person and has status
`erased`. Anything else that looks like an erasure (a NULL payload, the older `payload_erased` event, a
case_erased that names only some seqs) is a finding.
"""
from __future__ import annotations

from collections.abc import Sequence

from .views import Finding

ERASED = "case_erased"
LEGACY = "payload_erased"
BASES = ("bewaartermijn", "verzoek")


def findings(case_id: str, case, events: Sequence) -> list[Finding]:
    from ..purge import kept_digest

    found = [Finding(case_id, e.seq, "forged_erasure", "a payload_erased event: only `traject purge` erases, "
                     "with one case_erased event; this erasure was written outside it")
             for e in events if e.type == LEGACY]
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
