"""Monitoring: `traject report`'s figures for one gemeente (GM0363) at N cases, and the smaller set a
dashboard refresh asks (open per stage, overdue per role, near and past the deadline), through the Engine
as a `beleid` user with that one gemeente (the rights clause is in every query); and the terminal app's
whole dashboard refresh (Engine.dashboard: those figures and the overdue and deadline lists) as a
coordinator of that gemeente.

Part of `make bench` (section "monitoring", at each population size); by hand:
`python -m bench.monitoring [CASES]` (default 100,000).
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from .common import BUILDER, T0, stats_ms
from .population import GEMEENTE, create, grow

DASHBOARD = ("open_cases_per_stage", "overdue_tasks_per_role", "near_deadline", "past_deadline")
USER = "beleid_bench"
COORDINATOR = "coord_bench"


def measure(db_url: str, reps: int) -> dict:
    from engine import kpis
    from engine.service import build_engine
    from engine.settings import Settings

    admin = build_engine(Settings(db_url=db_url, user=BUILDER))
    admin.add_user(USER, ["beleid"], [GEMEENTE])
    admin.add_user(COORDINATOR, ["coordinator"], [GEMEENTE])
    admin.db.dispose()
    engine = build_engine(Settings(db_url=db_url, user=USER, now=T0))
    coordinator = build_engine(Settings(db_url=db_url, user=COORDINATOR, now=T0))
    start, end = T0 - timedelta(days=180), T0 + timedelta(days=1)

    def report():
        return engine.monitoring_report(GEMEENTE, start, end)

    def dashboard():
        with engine.command("report.view", write=False) as (session, who):
            scope = kpis.scope_for(who, GEMEENTE, start, end, T0)
            return kpis.compute(session, scope, DASHBOARD)

    try:
        figures = {f.key: f.value for f in report().figures}
        return {"gemeente": GEMEENTE, "cases_started": figures["cases_started"],
                "report": _time(report, reps), "dashboard_refresh": _time(dashboard, reps),
                "dashboard_screen": _time(coordinator.dashboard, reps)}
    finally:
        engine.db.dispose()
        coordinator.db.dispose()


def _time(fn, reps: int) -> dict:
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return stats_ms(samples)


def run(cases: int, templates: int = 200, reps: int = 5) -> dict:
    with tempfile.TemporaryDirectory(prefix="traject-bench-monitoring-") as tmp:
        pop = create(Path(tmp), templates)
        grown = grow(pop, cases)
        return {"open_cases": pop.open_cases(), "grow": grown, **measure(pop.db_url, reps)}


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
