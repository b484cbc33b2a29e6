"""Export case histories for process mining: one trace per case, one event per step that changed it.

Exported: case_started, task_completed, timer_fired and case_completed. A command the engine rolled back
(an incident_raised right after it) is left out: it did not happen to the case. Claims, releases and
incidents are not process steps. Case ids and actors are pseudonymised; form data is left out unless
asked for, and then its person fields are pseudonymised too.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import InvalidInput
from . import history
from .history import CaseHistory, Definitions
from .pseudonym import Pseudonymizer, installation_key
from .replay import rolled_back
from .views import ExportSummary

EXPORTED = frozenset({"case_started", "task_completed", "timer_fired", "case_completed"})
CSV_COLUMNS = ["case", "gemeente", "variant", "definition_version", "seq", "event_type", "activity",
               "lifecycle", "timestamp", "resource", "role"]


@dataclass(frozen=True)
class ExportEvent:
    seq: int
    type: str
    activity: str
    at: datetime
    resource: str | None
    role: str | None
    data: dict | None


@dataclass(frozen=True)
class Trace:
    name: str  # the pseudonymised case id
    gemeente: str
    variant: str  # the process id
    version: int
    events: tuple[ExportEvent, ...]


def export_events(db, spec_cache, out: str | Path, fmt: str = "xes", *, gemeente: str | None = None,
                  since: datetime | None = None, include_data: bool = False,
                  now: datetime, within: frozenset[str] | None = None) -> ExportSummary:
    if fmt not in ("xes", "csv"):
        raise InvalidInput(f"--format: '{fmt}' is not xes or csv")
    pseudonyms = Pseudonymizer(installation_key(db, now))
    traces = _traces(db, spec_cache, pseudonyms, gemeente, since, include_data, within)
    path = Path(out)
    partial = path.with_name(path.name + ".partial")  # a failed export leaves no half file behind
    try:
        if fmt == "xes":
            from .xes import write_xes

            counts = write_xes(partial, traces, now)
        else:
            counts = _write_csv(partial, traces, include_data)
        os.replace(partial, path)
    except OSError as err:
        raise InvalidInput(f"--out: cannot write {path}: {err.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return ExportSummary(str(path), fmt, *counts)


def _traces(db, spec_cache, pseudonyms: Pseudonymizer, gemeente, since, include_data,
            within=None) -> Iterator[Trace]:
    with db.transaction(write=False) as session:
        ids = history.case_ids(session, gemeente, within)
    definitions = Definitions(spec_cache)
    for batch in history.batches(ids):
        with db.transaction(write=False) as session:
            loaded = history.load(session, batch, since=since)
            traces = [_trace(session, h, definitions, pseudonyms, include_data) for h in loaded
                      if h.case is not None and h.events]
        yield from (t for t in traces if t.events)  # written outside the read transaction


def _trace(session, case_history: CaseHistory, definitions: Definitions, pseudonyms: Pseudonymizer,
           include_data: bool) -> Trace:
    case = case_history.case
    definition = definitions.get(session, case.definition_id)
    labels = definitions.labels(definition)
    events = case_history.events
    out = []
    for index, event in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        if event.type not in EXPORTED or rolled_back(event, following) or event.at is None:  # no time: verify flags it
            continue
        title, role = labels.get(event.task, (event.task, None)) if event.task else (event.type, None)
        out.append(ExportEvent(
            seq=event.seq, type=event.type, activity=title or event.type, at=event.at,
            resource=pseudonyms("user", event.actor), role=role,
            data=_data(event, pseudonyms) if include_data else None))
    return Trace(pseudonyms("case", case.id), case.gemeente, case.process_id, definition.version, tuple(out))


def _data(event, pseudonyms: Pseudonymizer) -> dict | None:
    payload = event.data
    if not isinstance(payload, dict):
        return None  # no payload, or erased
    if event.type == "timer_fired":
        return {"timers": payload.get("timers")}
    from ..restricted import is_sealed

    # restricted (special category) fields never leave the installation, not even sealed
    return pseudonyms.scrub({k: v for k, v in (payload.get("data") or {}).items() if not is_sealed(v)})


def _write_csv(path: Path, traces, include_data: bool) -> tuple[int, int]:
    trace_count = event_count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS + (["data"] if include_data else []))
        for trace in traces:
            trace_count += 1
            for event in trace.events:
                event_count += 1
                row = [trace.name, trace.gemeente, trace.variant, trace.version, event.seq, event.type,
                       event.activity, "complete", event.at.isoformat(timespec="milliseconds"),
                       event.resource or "", event.role or ""]
                if include_data:
                    row.append(json.dumps(event.data, ensure_ascii=False, sort_keys=True, default=str))
                writer.writerow(row)
    return trace_count, event_count
