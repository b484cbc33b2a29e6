"""Start-up: wall time of fresh `traject` processes (median of several runs, after one unmeasured run).

The target is `traject tui` launch to the worklist shown (bench.probe runs the app headless and stops
it one refresh after the worklist screen has its first page). The CLI's first page
(`traject tasks ... --limit 50`) is measured beside it, with the other read commands of issue 14's
start-up target (`traject cases`, `traject show CASE`).
"""
from __future__ import annotations

import statistics
import tempfile
import time

from .common import REPO, TRAJECT, clean_env, probe, run_measured
from .population import BENCH_USER, GEMEENTE, ROLE

# The read commands of issue 14's start-up target (< 0.25 s); `show` is measured on one open case.
READ_COMMANDS = ("traject tasks --limit 50", "traject cases", "traject show CASE")


def commands(db_url: str | None) -> dict[str, list[str]]:
    if db_url is None:
        return {"traject --help": [str(TRAJECT), "--help"]}
    db = [str(TRAJECT), "--db", db_url, "--user", BENCH_USER]  # the caseworker of one gemeente
    return {
        "traject tasks --limit 1": [*db, "tasks", "--limit", "1"],
        "traject tasks --limit 50": [*db, "tasks", "--limit", "50"],
        f"traject tasks --gemeente {GEMEENTE} --role {ROLE} --limit 50":
            [*db, "tasks", "--gemeente", GEMEENTE, "--role", ROLE, "--limit", "50"],
        "traject cases": [*db, "cases"],  # the newest 200 in the user's scope
        "traject show CASE": [*db, "show", _open_case(db_url)],
    }


def _open_case(db_url: str) -> str:
    """A running case of the bench user's gemeente with a task in the bench user's lane: a real one, run
    through the Engine (the lowest row ids), not a bulk copy, whose shifted dates do not replay."""
    import sqlite3

    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        row = con.execute("SELECT c.id FROM cases c JOIN work_items w ON w.case_id = c.id "
                          "WHERE w.gemeente = ? AND w.role = ? ORDER BY c.rowid LIMIT 1", (GEMEENTE, ROLE)).fetchone()
    if row is None:
        raise RuntimeError(f"no open case in {GEMEENTE} for {ROLE} in {db_url}")
    return row[0]


def measure(db_url: str | None, runs: int) -> dict:
    out = {}
    with tempfile.TemporaryDirectory(prefix="traject-bench-cwd-") as cwd:  # no stray traject.db
        for label, argv in commands(db_url).items():
            results = []
            for i in range(runs + 1):
                result = run_measured(argv, env=clean_env(), cwd=cwd)
                if result["code"] != 0:
                    raise RuntimeError(f"{label} failed ({result['code']}): {result['stderr'][-500:]}")
                if i:  # the first run only warms the OS file cache
                    results.append(result)
            walls = sorted(r["wall_s"] for r in results)
            out[label] = {"runs": runs, "median_s": round(statistics.median(walls), 3), "max_s": round(walls[-1], 3)}
    return out


def tui(db_url: str, user: str, runs: int) -> dict:
    """`traject tui` launch (process spawn) to the worklist's first page on screen, headless; see
    bench.probe. Median of `runs` after one warm-up run."""
    if not (REPO / "tui" / "app.py").exists():
        return {"measured": False, "reason": "tui/app.py does not exist yet; `traject tasks --limit 50` stands in"}
    results = []
    for i in range(runs + 1):
        result = probe("tui", db_url, user, repr(time.time()))
        if not result.get("measured"):
            return result
        if i:
            results.append(result)
    times = sorted(r["launch_to_worklist_s"] for r in results)
    phases = {name: round(statistics.median(r["phases_s"][name] for r in results), 3) for name in results[0]["phases_s"]}
    return {"measured": True, "runs": runs, "median_s": round(statistics.median(times), 3), "max_s": times[-1],
            "rows": results[0]["rows"], "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in results),
            "phases_s": phases}
