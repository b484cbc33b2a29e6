"""The audit use cases behind Engine.verify_cases, Engine.replay_case and Engine.export_events."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select, union

from ..errors import InvalidInput, NotFound
from ..store import repo
from ..store.tables import Case, Event
from . import case_chain, history, parallel
from .history import Definition, Definitions
from .listing import build_steps, describe_difference
from .replay import Replayer, replay
from .verify import id_seed, verify_history
from .views import CaseVerification, Finding, ReplayReport

Progress = Callable[[int, int, int], None]  # (cases done, cases in total, events done)


def verify_cases(db, spec_cache, script_engine_factory, case_ids: Sequence[str] | None = None,
                 progress: Progress | None = None, jobs: int | None = None) -> list[CaseVerification]:
    """Verify the given cases, or every case, in batches (one read transaction each); large runs on
    several processes (engine/audit/parallel.py)."""
    with db.transaction(write=False) as session:
        ids = _known(session, case_ids) if case_ids else history.case_ids(session)
    done: list[int] = [0, 0]  # cases, events

    def on_batch(results: list[CaseVerification]) -> None:
        done[0] += len(results)
        done[1] += sum(r.events for r in results)
        if progress:
            progress(done[0], len(ids), done[1])

    jobs = parallel.choose_jobs(jobs, len(ids), db.url, script_engine_factory)
    if jobs > 1:
        batches = list(history.batches(ids, size=100))  # small batches keep every worker busy to the end
        results = parallel.verify_in_workers(db.url, script_engine_factory, batches, jobs, on_batch)
    else:
        definitions = Definitions(spec_cache)
        results = []
        for batch in history.batches(ids):
            results += verify_batch(db, definitions, script_engine_factory, batch, on_batch)
    return results if case_ids else results + _deleted_cases(db)


def _deleted_cases(db) -> list[CaseVerification]:
    """Cases deleted as a whole (row and events): only the case index chain still names them."""
    with db.transaction(write=False) as session:
        found = case_chain.findings(session, repo.audit_key(session))
    return [CaseVerification(case_id=f.case_id, process_id=None, definition_version=None, gemeente=None,
                             events=0, findings=(f,)) for f in found]


def verify_batch(db, definitions: Definitions, script_engine_factory, ids: Sequence[str],
                 on_batch: Callable[[list], None] | None = None) -> list[CaseVerification]:
    """Verify one batch of cases, read in one snapshot; `on_batch` hears of each case when it is done."""
    results = []
    with db.transaction(write=False) as session:
        history.consistent_reads(session)
        for case_history in history.load(session, ids, with_workflow=True):
            results.append(verify_history(session, case_history, definitions, script_engine_factory).result)
            if on_batch:
                on_batch(results[-1:])
    return results


def replay_case(db, spec_cache, script_engine_factory, case_id: str,
                against: int | str | None = None) -> ReplayReport:
    """A step-by-step replay of one case on its own version, or on another version (`against`)."""
    definitions = Definitions(spec_cache)
    with db.transaction(write=False) as session:
        history.consistent_reads(session)
        (case_history,) = history.load(session, _known(session, [case_id]), with_workflow=True)
        verified = verify_history(session, case_history, definitions, script_engine_factory, keep_states=True)
        own = verified.definition
        process_id = case_history.case.process_id if case_history.case is not None else (own and own.process_id)
        target = version_named(session, definitions, against, process_id) if against is not None else own
    labels = definitions.labels(target) if target else {}
    divergence = next((f for f in verified.result.findings if f.kind == "replay_divergence"), None)
    steps = verified.steps
    if against is not None:
        steps, divergence = _replay_against(case_history, verified.steps, target, script_engine_factory)
    return ReplayReport(
        case_id=case_id, process_id=process_id, definition_version=own.version if own else None,
        replayed_on=target.label if target else "", against=against is not None,
        steps=build_steps(steps, verified.result, labels, divergence), divergence=divergence,
        verification=verified.result)


def _replay_against(case_history, baseline_steps, target: Definition, factory):
    """Replay the recorded history on `target`, comparing each state with the recorded one (as the
    replay on the case's own version reproduced it; the stored digest where that replay stopped).
    Only the commands that took effect are replayed (engine/audit/replay.py): this is the check
    `traject migrate` makes before it moves a case."""
    baseline = {s.event.seq: s for s in baseline_steps if s.status == "ok"}

    def expected(event):
        step = baseline.get(event.seq)
        return step.digest if step else event.state_digest

    replayer = Replayer(target.spec, target.subprocess_specs, factory, True, id_seed=id_seed(case_history.case))
    steps = list(replay(case_history.events, replayer, expected, effective_only=True))
    diverged = next((s for s in steps if s.status == "diverged"), None)
    if diverged is None:
        return steps, None
    recorded = baseline.get(diverged.event.seq)
    if diverged.state is not None and recorded is not None and recorded.state is not None:
        message = describe_difference(recorded.state, diverged.state, target.label)
    else:
        message = f"on {target.label}: {diverged.message}"
    return steps, Finding(case_history.case_id, diverged.event.seq, "replay_divergence", message)


def version_named(session, definitions: Definitions, text: int | str, process_id: str | None,
                  option: str = "--against") -> Definition:
    """The version `text` names: a version number of `process_id`, or PROCESS_ID:VERSION."""
    text = str(text).strip()
    name, _, number = text.rpartition(":")
    name = name or process_id
    if not number.isdigit() or not name:
        raise InvalidInput(f"{option}: '{text}' is not a version number or PROCESS_ID:VERSION")
    return definitions.find(session, name, int(number))


def _known(session, case_ids: Sequence[str]) -> list[str]:
    """The given ids, in order and once each; NotFound for an id neither a case row nor an event names."""
    ids = list(dict.fromkeys(case_ids))
    known: set[str] = set()
    for batch in history.batches(ids):
        known.update(session.scalars(union(select(Case.id.label("id")).where(Case.id.in_(batch)),
                                           select(Event.case_id.label("id")).where(Event.case_id.in_(batch)))))
    unknown = [case_id for case_id in ids if case_id not in known]
    if unknown:
        raise NotFound(f"case '{unknown[0]}' does not exist")
    return ids
