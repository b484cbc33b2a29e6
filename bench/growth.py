"""Growth: the cost of one task completion as the case's history gets longer (10, 100, 500 events).

Two ways to get a long history:
- loop (realistic): bench/processes/bench_voortgang.bpmn, a bounded standard loop of progress reviews;
  every review is one completion, so one event and one more task in the workflow: the serialized
  workflow grows with the history. The same loop runs on raw SpiffWorkflow in memory for comparison.
- claims: a pvt_basis case whose intake is claimed and released many times: events only, the workflow
  stays the same. It separates the cost of a long events table from that of a big task tree.
"""
from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from .common import BENCH_PROCESSES, T0, MovableClock, copy_pvt_basis, grant_builder, grant_lanes, stats_ms

LOOP_PROCESS = "bench_voortgang"
REVIEW = {"datum": "2026-03-02", "notitie": "voortgang besproken, afspraken gemaakt", "doorgaan": True}


def run(lengths: tuple[int, ...], loop_cases: int, claim_cases: int, window: int = 5) -> dict:
    from engine.service import build_engine
    from engine.settings import Settings

    with tempfile.TemporaryDirectory(prefix="traject-bench-") as tmp:
        workdir = Path(tmp)
        proc_dir = copy_pvt_basis(workdir)
        for name in ("bench_voortgang.bpmn", "bench-voortgang.schema.json"):
            shutil.copy2(BENCH_PROCESSES / name, (proc_dir if name.endswith(".bpmn") else workdir / "schemas") / name)
        db_path = workdir / "growth.db"
        clock = MovableClock(T0)
        engine = build_engine(Settings(db_url=f"sqlite:///{db_path}", user="bench",
                                       schema_dirs=(workdir / "schemas",)), clock=clock)
        grant_builder(engine)
        engine.deploy([proc_dir], actor="bench")
        grant_lanes(engine)
        engine.keep_live_workflows()  # a long-running process, as the TUI and the worker (engine/live.py)
        try:
            loop = _loop(engine, db_path, lengths, loop_cases, window)
            claims = _claims(engine, lengths, claim_cases)
        finally:
            engine.db.dispose()
        raw = _raw_loop(proc_dir, lengths, loop_cases, window)
    out = {"lengths": list(lengths), "window": window, "loop_cases": loop_cases, "claim_cases": claim_cases,
           "by_length": {}}
    for length in lengths:
        engine_stats, raw_stats = stats_ms(loop["times"][length]), stats_ms(raw[length])
        out["by_length"][str(length)] = {
            "loop_completion": engine_stats,
            "loop_raw_spiff_completion": raw_stats,
            "loop_ratio_median": round(engine_stats["median_ms"] / raw_stats["median_ms"], 1),
            "workflow_kb": loop["sizes"][length],
            "loop_phases_ms": loop["phases"][length],
            "claims_completion": stats_ms(claims[length]),
        }
    return out


def _loop(engine, db_path: Path, lengths, cases: int, window: int) -> dict:
    """Complete reviews one by one; time the completions made while the history has L..L+window-1 events."""
    from engine.worklist import TaskFilter

    from .breakdown import phases

    times = {length: [] for length in lengths}
    sizes = {}
    wanted = {j: length for length in lengths for j in range(length, length + window)}
    last = max(wanted)
    charged = {length: {} for length in lengths}  # phase -> seconds, over every case
    for _ in range(cases):
        case = engine.start_case(LOOP_PROCESS, "GM0363", {}, actor="bench")
        open_tasks = engine.list_tasks(TaskFilter(case_id=case.id))
        for events_before in range(1, last + 1):  # the case has `events_before` events now
            charge = events_before in wanted
            with phases() if charge else contextlib.nullcontext() as timer:
                start = time.perf_counter()
                result = engine.complete_task(open_tasks[0].id, REVIEW, actor="bench")
                elapsed = time.perf_counter() - start
            if charge:
                totals = charged[wanted[events_before]]
                for phase, seconds in timer.totals.items():
                    totals[phase] = totals.get(phase, 0.0) + seconds
                totals["__wall__"] = totals.get("__wall__", 0.0) + elapsed
            assert result.status == "running" and result.open_tasks[0].task == "Task_Voortgangsgesprek"
            open_tasks = result.open_tasks
            if events_before in wanted:
                times[wanted[events_before]].append(elapsed)
            if events_before in lengths and events_before not in sizes:
                sizes[events_before] = _workflow_kb(db_path, case.id)
        _finish(engine, open_tasks)
    return {"times": times, "sizes": sizes,
            "phases": {length: _per_command(c, window * cases) for length, c in charged.items()}}


def _per_command(charged: dict, commands: int) -> dict:
    wall = charged.pop("__wall__", 0.0)
    rows = {phase: seconds * 1000 / commands for phase, seconds in charged.items()}
    rows["other (session, ORM bookkeeping, unlisted SQL)"] = wall * 1000 / commands - sum(rows.values())
    return {k: round(v, 3) for k, v in sorted(rows.items(), key=lambda kv: -kv[1])}


def _finish(engine, open_tasks) -> None:
    done = dict(REVIEW, doorgaan=False)
    result = engine.complete_task(open_tasks[0].id, done, actor="bench")
    result = engine.complete_task(result.open_tasks[0].id, done, actor="bench")
    assert result.status == "completed", result


def _workflow_kb(db_path: Path, case_id: str) -> float:
    with sqlite3.connect(db_path) as con:
        return round(con.execute("SELECT length(workflow) FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
                     / 1024, 1)


def _claims(engine, lengths, cases: int) -> dict:
    """pvt_basis intake claimed and released until the history has L events; then time completing it."""
    from engine.worklist import TaskFilter

    from .plans import make_plans

    times = {length: [] for length in lengths}
    plans = make_plans(cases * len(lengths), engine.settings.schema_dirs[0], seed=5)
    plans = [p for p in plans if p.path != "vrijgesteld"] + [p for p in plans if p.path == "vrijgesteld"]
    order = [n for _ in range(cases) for n in lengths]  # interleaved, so drift hits every length alike
    for i, (length, plan) in enumerate(zip(order, plans, strict=True)):
        case = engine.start_case("pvt_basis", plan.gemeente, plan.start_data, actor="bench")
        item = engine.list_tasks(TaskFilter(case_id=case.id))[0]
        for n in range(length - 1):
            engine.claim_task(item.id, actor="bench", release=n % 2 == 1)
        start = time.perf_counter()
        result = engine.complete_task(item.id, plan.steps[0].data, actor="bench")
        times[length].append(time.perf_counter() - start)
        assert result.incident is None, (i, result)
    return times


def _raw_loop(proc_dir: Path, lengths, cases: int, window: int) -> dict:
    """The same loop on SpiffWorkflow alone (restricted script engine), in memory."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser import SpiffBpmnParser
    from SpiffWorkflow.util.task import TaskState

    from engine.clock import running_on
    from engine.scripting import make_script_engine

    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(proc_dir / "bench_voortgang.bpmn")])
    spec, subs = parser.get_spec(LOOP_PROCESS), parser.get_subprocess_specs(LOOP_PROCESS)
    times = {length: [] for length in lengths}
    wanted = {j: length for length in lengths for j in range(length, length + window)}
    clock = MovableClock(T0)
    with running_on(clock):
        for _ in range(cases):
            workflow = BpmnWorkflow(spec, subs, script_engine=make_script_engine())
            workflow.do_engine_steps()
            for events_before in range(1, max(wanted) + 1):
                start = time.perf_counter()
                [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
                task.data.update(REVIEW)
                task.run()
                workflow.do_engine_steps()
                if events_before in wanted:
                    times[wanted[events_before]].append(time.perf_counter() - start)
    return times
