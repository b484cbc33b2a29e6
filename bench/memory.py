"""Peak memory (RSS, read inside the measured process by bench.probe) on the big database: the worker,
a process loading the worklist, and (in bench.startup) the TUI."""
from __future__ import annotations

import json

from .common import BUILDER, probe
from .population import GEMEENTE, ROLE, WORKER_NOW, Population


def worker(pop: Population) -> dict:
    """`traject worker --once` at a time when exactly the due set's timers are due."""
    result = probe("cli", "--db", pop.db_url, "--user", BUILDER, "--now", WORKER_NOW.isoformat(), "worker", "--once", "--json")
    if result["code"] != 0:
        raise RuntimeError(f"worker failed with exit {result['code']}")
    moved = json.loads(result["stdout"])["cases_moved"]
    assert moved == pop.due_cases, f"worker moved {moved} cases, expected {pop.due_cases}"
    return {"cases_moved": moved, "wall_s": result["wall_s"], "peak_rss_mb": result["peak_rss_mb"],
            "ms_per_case": round(result["wall_s"] * 1000 / max(moved, 1), 1)}


def worklist(pop: Population) -> dict:
    """A fresh process loading the first page, then the whole list, of one role in one gemeente."""
    result = probe("worklist", pop.db_url, ROLE, GEMEENTE)
    return {**result, "peak_rss_mb": result["rss_after_full_list_mb"]}
