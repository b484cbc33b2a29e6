"""`traject worker` as a long-running service: shared load, SIGTERM, SIGKILL and a lost connection.

The workers run as real processes (`python -m engine.cli ... worker`), several at once on one database.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from grants import TEST_POLICY_PATH, TEST_USER, settings_for
from sqlalchemy import create_engine, text

from conftest import PG_URL, TESTS, _pg_schema_url

NACHTWERK = str(TESTS / "bpmn" / "nachtwerk")
TWEE = str(TESTS / "bpmn" / "tweetimers")  # two timers per case, both due at DAY2
DAY0, DAY2 = "2026-03-02T09:00:00+01:00", "2026-03-04T09:00:00+01:00"


@pytest.fixture
def pg_url():
    if not PG_URL:
        pytest.skip("needs TRAJECT_TEST_PG_URL")
    url, drop = _pg_schema_url(PG_URL)
    yield url
    drop()


def _seed(url: str, n: int, process: str = NACHTWERK) -> list[str]:
    from engine.inputs import parse_clock
    from engine.service import build_engine

    engine = build_engine(settings_for(url, now=parse_clock(DAY0, "now")))
    try:
        engine.deploy([process])
        name = Path(process).name
        return [engine.start_case(name, "GM0363", {"soort": "goed"}).id for _ in range(n)]
    finally:
        engine.db.dispose()


def _worker(url: str, *extra: str, app: str | None = None) -> subprocess.Popen:
    if app:  # a name in pg_stat_activity, so a test can kill exactly this worker's connections
        url = f"{url}&application_name={app}"
    argv = [sys.executable, "-m", "engine.cli", "--db", url, "--user", TEST_USER, "--now", DAY2, "worker", *extra]
    env = {**os.environ, "TRAJECT_POLICY": str(TEST_POLICY_PATH)}
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stderr.readline()  # from this line on SIGTERM is the worker's to handle
    assert first.startswith("worker: started"), first
    return proc


def _fired_per_case(url: str) -> dict[str, int]:
    sa = create_engine(url)
    with sa.connect() as conn:
        rows = conn.execute(text("SELECT c.id, (SELECT count(*) FROM events e WHERE e.case_id = c.id "
                                 "AND e.type = 'timer_fired') FROM cases c")).all()
    sa.dispose()
    return dict(rows)


def _fired(url: str) -> int:
    return sum(_fired_per_case(url).values())


def _wait_until_all_fired(url: str, n: int, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        counts = _fired_per_case(url)
        if sum(1 for v in counts.values() if v) == n or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def _verify(url: str) -> None:
    from engine.cli import main

    assert main(["--db", url, "--user", TEST_USER, "audit", "verify", "--all"]) == 0


def _timers_fired(url: str) -> dict[str, list[str]]:
    sa = create_engine(url)
    with sa.connect() as conn:
        rows = conn.execute(text("SELECT case_id, data FROM events WHERE type = 'timer_fired'")).all()
    sa.dispose()
    fired: dict[str, list[str]] = {}
    for case_id, data in rows:
        data = json.loads(data) if isinstance(data, str) else data
        fired.setdefault(case_id, []).extend(data["timers"])
    return fired


def test_two_workers_fire_1000_due_timers_over_500_cases_each_exactly_once(pg_url):
    n = int(os.environ.get("TRAJECT_TEST_WORKER_CASES", "500"))
    cases = _seed(pg_url, n, TWEE)
    workers = [_worker(pg_url, "--interval", "0.2") for _ in range(2)]
    counts = _wait_until_all_fired(pg_url, n, timeout=600)
    results = [_stop(w) for w in workers]
    assert sorted(counts) == sorted(cases) and set(counts.values()) == {1}  # one command per case
    fired = _timers_fired(pg_url)
    assert sum(len(t) for t in fired.values()) == 2 * n  # every timer once: none skipped, none twice
    assert all(len(set(t)) == 2 for t in fired.values())
    for code, err in results:
        assert code == 0 and "Traceback" not in err and err.rstrip().endswith("worker: stopped")
    batch_lines = [line for _, err in results for line in err.splitlines() if " fired, " in line]
    assert batch_lines and all("GM0363" not in line and "goed" not in line for line in batch_lines)
    assert sum(int(line.split(" due, ")[1].split(" fired")[0]) for line in batch_lines) == n
    assert all(any(" fired, " in line for line in err.splitlines()) for _, err in results)  # both worked
    _verify(pg_url)


def test_sigterm_mid_batch_finishes_the_case_in_hand_and_leaves_no_half_done_case(db_url):
    n = 150
    _seed(db_url, n)
    worker = _worker(db_url, "--interval", "0.2")
    deadline = time.monotonic() + 120
    while not any(_fired_per_case(db_url).values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    code, err = _stop(worker)
    assert code == 0 and "Traceback" not in err and "worker: stopped" in err
    counts = _fired_per_case(db_url)
    assert 0 < sum(counts.values()) and set(counts.values()) <= {0, 1}
    _verify(db_url)  # every case is either untouched or fully fired: its history replays
    # ... and a new worker picks up exactly the rest.
    worker = _worker(db_url, "--interval", "0.2")
    counts = _wait_until_all_fired(db_url, n, timeout=180)
    assert _stop(worker)[0] == 0 and set(counts.values()) == {1}


def test_a_worker_killed_with_sigkill_mid_batch_loses_nothing_and_applies_nothing_twice(db_url):
    n = 150
    _seed(db_url, n)
    partial, fired = [], 0
    for _ in range(3):  # kill it while it works, restart each time
        worker = _worker(db_url, "--interval", "0.2")
        # Kill as soon as this worker has fired a timer and some are left: a fixed delay missed the
        # batch once the worker fired 150 timers in under 0.4 s.
        deadline = time.monotonic() + 60
        while not fired < _fired(db_url) < n and fired < n and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.kill()
        worker.communicate()
        counts = _fired_per_case(db_url)
        assert set(counts.values()) <= {0, 1}
        fired = sum(counts.values())
        partial.append(0 < fired < n)
    assert any(partial)  # at least one kill came in the middle of a batch
    worker = _worker(db_url, "--interval", "0.2")
    counts = _wait_until_all_fired(db_url, n, timeout=180)
    assert _stop(worker)[0] == 0
    assert set(counts.values()) == {1}
    _verify(db_url)


def test_the_worker_survives_its_database_connection_being_terminated(pg_url):
    cases = _seed(pg_url, 5)
    app = f"traject_w_{uuid.uuid4().hex[:8]}"
    worker = _worker(pg_url, "--interval", "0.3", app=app)
    assert set(_wait_until_all_fired(pg_url, 5, timeout=60).values()) == {1}
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = :app"), {"app": app}).scalar()
    admin.dispose()
    assert killed >= 1
    more = _seed(pg_url, 5)
    counts = _wait_until_all_fired(pg_url, 10, timeout=60)
    assert worker.poll() is None  # still running
    code, err = _stop(worker)
    assert code == 0 and "Traceback" not in err
    assert sorted(counts) == sorted(cases + more) and set(counts.values()) == {1}


def test_a_user_without_worker_rights_cannot_run_the_worker(cli, db_url):
    cli.ok("deploy", NACHTWERK, now=DAY0)
    cli.ok("users", "add", "kees", "--role", "klantmanager", "--gemeente", "GM0363")
    result = cli("worker", "--interval", "0.1", user="kees")
    assert result.code == 4 and "not allowed: kees may not run the worker" in result.err


