"""Timers fired per second by 1 and by 2 `traject worker` processes on one PostgreSQL database.

    python -m bench.workers --pg postgresql+psycopg://postgres@127.0.0.1:5432/test [--cases 500]

Each run gets a fresh schema with `--cases` cases of a one-timer process (tests/bpmn/nachtwerk), all
due; the clock starts when the workers are launched and stops when every case has its timer_fired
event (interpreter start-up is included, as a service restart would pay it). Writes
bench/results/workers.json. On a 2-core machine shared with the database, expect well under 2x.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from .common import REPO

PROCESS = REPO / "tests" / "bpmn" / "nachtwerk"
DAY0, DUE = "2026-03-02T09:00:00+01:00", "2026-03-04T09:00:00+01:00"
RESULTS = Path(__file__).resolve().parent / "results" / "workers.json"


def _schema(base: str):
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return admin, schema, f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def _seed(url: str, cases: int) -> None:
    from engine import Settings, build_engine
    from engine.inputs import parse_clock

    engine = build_engine(Settings(db_url=url, user="bench", now=parse_clock(DAY0, "now")))
    engine.add_user("bench", ["beheerder", "ontwerper"], everywhere=True)
    engine.deploy([PROCESS])
    engine.add_user("bench", ["klantmanager"], everywhere=True)
    for _ in range(cases):
        engine.start_case("nachtwerk", "GM0363", {"soort": "goed"})
    engine.db.dispose()


def _fired(url: str) -> int:
    sa = create_engine(url)
    with sa.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM events WHERE type = 'timer_fired'")).scalar()
    sa.dispose()
    return count


def run(base: str, cases: int, workers: int) -> dict:
    admin, schema, url = _schema(base)
    try:
        _seed(url, cases)
        argv = [sys.executable, "-m", "engine.cli", "--db", url, "--user", "bench", "--now", DUE, "worker",
                "--interval", "0.2"]
        began = time.monotonic()
        procs = [subprocess.Popen(argv, stderr=subprocess.DEVNULL, env=os.environ.copy()) for _ in range(workers)]
        while _fired(url) < cases:
            time.sleep(0.1)
        seconds = time.monotonic() - began
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        fired = _fired(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return {"workers": workers, "cases": cases, "timers_fired": fired, "seconds": round(seconds, 2),
            "timers_per_s": round(fired / seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__.splitlines()[0])
    parser.add_argument("--pg", required=True, help="PostgreSQL URL (a schema per run is made and dropped)")
    parser.add_argument("--cases", type=int, default=500, help="due timers per run (default 500)")
    args = parser.parse_args(argv)
    one, two = run(args.pg, args.cases, 1), run(args.pg, args.cases, 2)
    result = {"one": one, "two": two, "ratio": round(two["timers_per_s"] / one["timers_per_s"], 2),
              "cpus": os.cpu_count()}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("| workers | timers | seconds | timers/s |\n|---|---|---|---|")
    for row in (one, two):
        print(f"| {row['workers']} | {row['timers_fired']} | {row['seconds']} | {row['timers_per_s']} |")
    print(f"2 workers / 1 worker: {result['ratio']}x on {result['cpus']} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
