"""Audit verify throughput: `Engine.verify_cases()` over every case, as `traject audit verify --all` runs it
(each case's hash chain checked, its history replayed on its own definition version, the stored state
compared with the replay), on a database of at least N events.

Real pvt_basis cases go through the Engine first (bench/population.create: each left open at a random
step). Copies of them then bring the events table to the size wanted. Unlike population.grow's copies,
these get their hash chains re-computed for their new case ids (each event hash names its case) and the
case row's last_event_hash set to the new chain's end, so every copy verifies exactly as its template
does: same events, times, payloads and states, another case id. Copies get no work items (verification
does not read them).
"""
from __future__ import annotations

import random
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from . import population

SEED = 17


def run(events: int, templates: int, sample_events: int) -> dict:
    """Make a database of at least `events` events from `templates` real cases, then verify it all (one
    process per CPU, as the CLI does for large runs), and `sample_events` of it in one process."""
    from engine.audit.parallel import choose_jobs
    from engine.service import build_engine
    from engine.settings import Settings

    with tempfile.TemporaryDirectory(prefix="traject-bench-verify-") as tmp:
        start = time.perf_counter()
        pop = population.create(Path(tmp), templates, seed=SEED)
        real_s = time.perf_counter() - start
        start = time.perf_counter()
        copied = copy_verifiable(pop.db_url, pop.db_path, events)
        copy_s = time.perf_counter() - start
        engine = build_engine(Settings(db_url=pop.db_url, user="bench", schema_dirs=(pop.schema_dir,)))
        try:
            case_ids = [c for c, _ in copied["events_per_case"]]
            jobs = choose_jobs(None, len(case_ids), pop.db_url, engine._script_engine_factory)
            start = time.perf_counter()
            results = engine.verify_cases()
            wall_s = time.perf_counter() - start
            sample, count = [], 0
            for case_id, n in copied["events_per_case"]:
                if count >= sample_events:
                    break
                sample.append(case_id)
                count += n
            start = time.perf_counter()
            single = engine.verify_cases(sample, jobs=1)
            single_s = time.perf_counter() - start
        finally:
            engine.db.dispose()
    findings = [str(f) for r in results + single for f in r.findings]
    assert not findings, f"the bench database does not verify: {findings[:5]}"
    verified = sum(r.events for r in results)
    single_events = sum(r.events for r in single)
    return {
        "templates": templates, "cases": len(results), "events": verified, "copies": copied["copies"],
        "real_cases_s": round(real_s, 1), "copy_s": round(copy_s, 1), "jobs": jobs,
        "wall_s": round(wall_s, 2), "events_per_s": round(verified / wall_s),
        "cases_per_s": round(len(results) / wall_s), "ms_per_event": round(1000 * wall_s / verified, 3),
        "single_process": {"cases": len(single), "events": single_events, "wall_s": round(single_s, 2),
                           "events_per_s": round(single_events / single_s)},
    }


def copy_verifiable(db_url: str, db_path: Path, target_events: int) -> dict:
    """Copy the cases (round robin, new case ids) until the events table holds `target_events` rows,
    each copy with a correct hash chain and anchor. Returns the copies made and (case id, events) of
    every case, templates first."""
    from sqlalchemy import select

    from engine.audit import chain
    from engine.store.db import Database
    from engine.store.tables import Event

    db = Database(db_url)
    try:
        with db.transaction(write=False) as session:  # the values the verifier hashes, as it reads them
            headers = {(e.case_id, e.seq): (e.type, e.task, e.actor, e.at, e.definition_id, e.payload_hash,
                                            e.state_digest)
                       for e in session.scalars(select(Event))}
    finally:
        db.dispose()
    rng = random.Random(SEED)
    con = sqlite3.connect(db_path)
    try:
        event_cols = [row[1] for row in con.execute("PRAGMA table_info(events)")]
        case_cols = [row[1] for row in con.execute("PRAGMA table_info(cases)")]
        ev = {name: i for i, name in enumerate(event_cols)}
        cs = {name: i for i, name in enumerate(case_cols)}
        cases = con.execute("SELECT * FROM cases ORDER BY created_at, id").fetchall()
        rows: dict[str, list[tuple]] = {c[cs["id"]]: [] for c in cases}
        for row in con.execute("SELECT * FROM events ORDER BY case_id, seq"):
            rows[row[ev["case_id"]]].append(row)
        per_case = [(c[cs["id"]], len(rows[c[cs["id"]]])) for c in cases]
        total, copies, n = sum(count for _, count in per_case), 0, 0
        event_sql = (f"INSERT INTO events ({', '.join(event_cols)}) "
                     f"VALUES ({', '.join('?' * len(event_cols))})")
        case_sql = f"INSERT INTO cases ({', '.join(case_cols)}) VALUES ({', '.join('?' * len(case_cols))})"
        while total < target_events:
            template = cases[n % len(cases)]
            n += 1
            old_id, new_id = template[cs["id"]], str(uuid.UUID(int=rng.getrandbits(128), version=4))
            prev, new_events = chain.GENESIS, []
            for row in rows[old_id]:
                seq = row[ev["seq"]]
                type_, task, actor, at, definition_id, payload_digest, state_digest = headers[(old_id, seq)]
                digest = chain.event_hash(prev_hash=prev, case_id=new_id, seq=seq, type=type_, task=task,
                                          actor=actor, at=at, definition_id=definition_id,
                                          payload_digest=payload_digest, state_digest=state_digest)
                copy = list(row)
                copy[ev["id"]], copy[ev["case_id"]] = None, new_id
                copy[ev["prev_hash"]], copy[ev["hash"]] = prev, digest
                if "hash_version" in ev:  # copies use the unkeyed chain (as before migration 0004): same cost
                    copy[ev["hash_version"]] = None
                new_events.append(copy)
                prev = digest
            case_row = list(template)
            case_row[cs["id"]], case_row[cs["last_event_hash"]] = new_id, prev
            if "row_hash" in cs:  # no work items are copied: no row hash, as a case from before 0004
                case_row[cs["row_hash"]] = None
            con.execute(case_sql, case_row)
            con.executemany(event_sql, new_events)
            per_case.append((new_id, len(new_events)))
            total += len(new_events)
            copies += 1
        con.commit()
    finally:
        con.close()
    return {"copies": copies, "events": total, "events_per_case": per_case}
