"""`python -m bench` (make bench): every measurement, about 6 minutes; `--quick` (make bench-quick): the
same code paths on small sizes in well under a minute. Writes JSON and prints Markdown tables.

    python -m bench                 full run -> bench/results/latest.json
    python -m bench --quick         quick run -> bench/results/quick.tmp (not kept)
    python -m bench --readme        full run, and the tables into bench/README.md
    python -m bench --profile       cProfile of the lifecycle: top 15 cumulative -> bench/results/profile.txt
    python -m bench --only lifecycle,growth
    python -m bench --only verify    audit verify throughput (events/s) on 100,000 events
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import growth, lifecycle, memory, monitoring, population, report, startup, verify, worklist
from .common import REPO, machine_info

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("lifecycle", "worklist", "startup", "memory", "growth", "verify", "monitoring")


class Config:
    def __init__(self, quick: bool, smoke: bool = False):
        self.quick = quick or smoke
        self.lifecycle_cases = 30 if quick else 300
        self.breakdown_cases = 10 if quick else 60
        self.sizes = (10_000,) if quick else (10_000, 100_000)
        self.templates = 60 if quick else 300
        self.due_cases = 20 if quick else 200
        self.worklist_reps = 100 if quick else 500
        self.startup_runs = 3 if quick else 7
        self.growth_lengths = (10, 100) if quick else (10, 100, 500)
        self.loop_cases = 1 if quick else 3
        self.claim_cases = 1 if quick else 3
        self.verify_events = 5_000 if quick else 100_000
        self.verify_templates = 20 if quick else 100
        self.verify_sample = 1_000 if quick else 5_000
        self.monitoring_reps = 3 if quick else 5
        if smoke:  # every section, every code path of --quick, on the smallest sizes (tests/test_bench_smoke.py)
            self.lifecycle_cases, self.breakdown_cases, self.sizes, self.templates = 2, 2, (400,), 8
            self.due_cases, self.worklist_reps, self.startup_runs = 3, 3, 1
            self.growth_lengths, self.verify_events, self.verify_templates, self.verify_sample = (10, 20), 300, 4, 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Traject benchmarks: lifecycle against raw SpiffWorkflow, worklist and start-up at scale, "
                    "growth with history, memory, audit verify throughput. Writes JSON and prints Markdown tables.")
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--smoke", action="store_true", help="the --quick code paths on tiny sizes (the test suite)")
    parser.add_argument("--profile", action="store_true", help="only profile the lifecycle (cProfile)")
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, help="JSON file to write")
    parser.add_argument("--readme", action="store_true", help="write the tables into bench/README.md (full runs)")
    args = parser.parse_args(argv)
    if args.profile:
        return _profile(Config(args.quick))
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if args.readme and (args.quick or args.smoke or args.only):
        parser.error("--readme needs a full run of every section")
    cfg = Config(args.quick, args.smoke)
    out = args.out or RESULTS / ("quick.tmp" if cfg.quick else "latest.json")
    started = time.perf_counter()
    results = {"meta": _meta(args, argv)}
    _run(cfg, only, results)
    results["targets"] = report.targets(results)
    results["meta"]["duration_s"] = round(time.perf_counter() - started, 1)
    results["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tables = report.markdown(results)
    print(tables)
    print(f"results: {out}", file=sys.stderr)
    if args.readme:
        report.update_readme(REPO / "bench" / "README.md", tables)
        print("bench/README.md: tables updated", file=sys.stderr)
    return 0


def _run(cfg: Config, only: set[str], results: dict) -> None:
    if "lifecycle" in only:
        _say(f"lifecycle: {cfg.lifecycle_cases} cases on each side")
        results["lifecycle"] = lifecycle.run(cfg.lifecycle_cases)
        results["breakdown"] = lifecycle.breakdown(cfg.breakdown_cases)
    if "startup" in only:
        results["startup"] = {"none": startup.measure(None, cfg.startup_runs)}
    if only & {"worklist", "startup", "memory", "monitoring"}:
        _population(cfg, only, results)
    if "growth" in only:
        _say(f"growth: history lengths {cfg.growth_lengths}")
        results["growth"] = growth.run(cfg.growth_lengths, cfg.loop_cases, cfg.claim_cases)
    if "verify" in only:
        _say(f"verify: {cfg.verify_templates} real cases copied up to {cfg.verify_events:,} events, all verified")
        results["verify"] = verify.run(cfg.verify_events, cfg.verify_templates, cfg.verify_sample)


def _population(cfg: Config, only: set[str], results: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="traject-bench-pop-") as tmp:
        _say(f"population: {cfg.templates} real open cases, {cfg.due_cases} with a due timer")
        start = time.perf_counter()
        pop = population.create(Path(tmp), cfg.templates)
        if "memory" in only:
            population.add_due_set(pop, cfg.due_cases)
        results["population"] = {"templates": cfg.templates, "due_cases": pop.due_cases,
                                 "real_cases_s": round(time.perf_counter() - start, 1), "copies": {}}
        for size in cfg.sizes:
            _say(f"population: copying up to {size:,} open cases")
            results["population"]["copies"][str(size)] = population.grow(pop, size)
            results["population"]["copies"][str(size)]["db_mb"] = round(pop.db_path.stat().st_size / 1e6)
            if "worklist" in only:
                _say(f"worklist at {size:,}: {cfg.worklist_reps} queries")
                results.setdefault("worklist", {})[str(size)] = worklist.measure(pop.db_url, pop.db_path,
                                                                                 cfg.worklist_reps)
            if "startup" in only:
                _say(f"start-up at {size:,}: {cfg.startup_runs} runs per command")
                results.setdefault("startup", {})[str(size)] = startup.measure(pop.db_url, cfg.startup_runs)
                results["startup"].setdefault("tui", {})[str(size)] = startup.tui(
                    pop.db_url, population.BENCH_USER, cfg.startup_runs)
            if "monitoring" in only:
                _say(f"monitoring at {size:,}: report and dashboard, {cfg.monitoring_reps} runs each")
                results.setdefault("monitoring", {})[str(size)] = monitoring.measure(pop.db_url,
                                                                                     cfg.monitoring_reps)
        if "memory" in only:  # last: the worker fires the due set's timers
            _say(f"memory at {cfg.sizes[-1]:,}: worklist process, worker --once")
            results["memory"] = {"open_cases": pop.open_cases(), "worklist_process": memory.worklist(pop),
                                 "worker": memory.worker(pop)}


def _profile(cfg: Config) -> int:
    cases = cfg.lifecycle_cases // 3
    _say(f"profiling the Traject side of the lifecycle: {cases} cases")
    prof = lifecycle.profile(cases)
    text = (f"cProfile, Traject side of the lifecycle, {cases} pvt_basis cases (python -m bench --profile)\n\n"
            f"{prof['top_cumulative']}\n\nSelf time by package (% of profiled total): "
            + ", ".join(f"{k} {v}%" for k, v in prof["self_time_by_package"].items()) + "\n")
    print(text)
    if not cfg.quick:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "profile.txt").write_text(text, encoding="utf-8")
    return 0


def _meta(args, argv) -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    command = "make bench-quick" if args.quick else "make bench"
    if args.only:
        command = f"python -m bench{' --quick' if args.quick else ''} --only {args.only}"
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "command": command,
            "mode": "quick" if args.quick else "full", "machine": machine_info(), "commit": commit,
            "load_average_start": [round(x, 2) for x in os.getloadavg()]}


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
