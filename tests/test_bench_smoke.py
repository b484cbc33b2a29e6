"""Keeps bench/ from rotting: the quick bench's lifecycle, with three cases, still runs and reports.

Speeds are never asserted here (bench/ measures them); only that every case completes on every side
(the bench asserts that itself) and that the results have the keys the report reads.
"""
from __future__ import annotations

import sys

from conftest import REPO

if str(REPO) not in sys.path:  # bench/ is not an installed package: it runs from the repository
    sys.path.insert(0, str(REPO))

from bench import lifecycle  # noqa: E402


def test_quick_lifecycle_runs_three_cases_on_every_side():
    result = lifecycle.run(3, warmup=1)

    assert result["cases"] == 3 and result["process"] == "pvt_basis"
    assert result["human_tasks"] >= 3
    for side in ("traject", "traject_one_shot", "raw_restricted", "raw_default"):
        assert set(result[side]) == {"cases_per_s", "total_s", "per_case"}
        assert result[side]["per_case"]["n"] == 3
        assert {"median_ms", "p95_ms"} <= set(result[side]["per_case"])
    for raw in ("raw_restricted", "raw_default"):
        assert set(result[f"ratio_vs_{raw}"]) == {"median_per_case", "totals"}
    assert result["ratio_long_running"] == result["ratio_vs_raw_restricted"]["median_per_case"]
    assert result["ratio_one_shot"] > 0
    assert result["traject_commands"]["complete_task"]["n"] >= 3
    assert result["traject_one_shot_commands"]["complete_task"]["n"] >= 3
    assert result["traject_commands"]["start_case"]["n"] == 3


def test_every_bench_section_runs_as_bench_quick_does(tmp_path):
    """`python -m bench --smoke` runs the very code of `make bench-quick` (every section, the phase breakdown,
    the report and its targets) on tiny sizes: a bench that crashes fails here, not in someone's `make`."""
    import json

    from bench.__main__ import SECTIONS, main

    out = tmp_path / "smoke.json"
    assert main(["--smoke", "--out", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(SECTIONS) <= set(results)
    assert results["breakdown"] and results["targets"]
    assert {"ratio_long_running", "ratio_one_shot"} <= set(results["lifecycle"])
