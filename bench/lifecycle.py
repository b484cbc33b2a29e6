"""Lifecycle: pvt_basis cases from start to completion, through the Engine and on raw SpiffWorkflow.

Traject side: Engine API on a SQLite file in a temp folder (start form and task forms validated,
work items and hash-chained events written, one transaction per command), twice: long-running (one
Engine reused for every command, as the TUI and the worker do) and one-shot (a new Engine, database
connection and spec cache for every command, as each `traject complete` process has; imports stay warm,
so this leaves out only the interpreter start, which the start-up table measures).
Raw side: the same BPMN parsed with SpiffBpmnParser, run in memory with BpmnWorkflow, twice: with
Traject's restricted script engine (scripts behave identically) and with Spiff's default engine.
Cases are interleaved (engine, raw, raw-default; the order rotates) so machine noise hits all sides alike.
"""
from __future__ import annotations

import copy
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from .common import T0, MovableClock, copy_pvt_basis, grant_builder, grant_lanes, stats_ms
from .plans import CasePlan, make_plans

PROCESS_ID = "pvt_basis"


class EngineSide:
    """pvt_basis deployed on a fresh SQLite file database; runs plans through the Engine API."""

    def __init__(self, workdir: Path, proc_dir: Path, one_shot: bool = False, name: str = "lifecycle"):
        from engine.service import build_engine
        from engine.settings import Settings

        self.clock = MovableClock(T0)
        self.settings = Settings(db_url=f"sqlite:///{workdir / (name + '.db')}", user="bench",
                                 schema_dirs=(proc_dir.parent / "schemas",))
        self.one_shot = one_shot
        self.engine = build_engine(self.settings, clock=self.clock)
        grant_builder(self.engine)
        self.engine.deploy([proc_dir], actor="bench")
        grant_lanes(self.engine)
        if not one_shot:  # as the TUI and the worker do (engine/live.py)
            self.engine.keep_live_workflows()
        self.command_times: dict[str, list[float]] = defaultdict(list)
        self.measuring = False  # per-command times are kept only for measured (not warm-up) cases
        self.phase_timer = None  # a breakdown.PhaseTimer while phases are being charged
        self.phases_by_command: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def count_statements(self) -> None:
        """Count the SQL statements each command sends (kept with the phases)."""
        from sqlalchemy import event

        def count(*_args):
            self.statements += 1

        self.statements = 0
        event.listen(self.engine.db.sa_engine, "before_cursor_execute", count)

    def _call(self, name: str, method: str, *args, **kwargs):
        before = dict(self.phase_timer.totals) if self.phase_timer else None
        statements = getattr(self, "statements", 0)
        start = time.perf_counter()
        if self.one_shot:  # what one `traject` process does: its own Engine, connection and caches
            from engine.service import build_engine

            engine = build_engine(self.settings, clock=self.clock)
            try:
                result = getattr(engine, method)(*args, **kwargs)
            finally:
                engine.db.dispose()
        else:
            result = getattr(self.engine, method)(*args, **kwargs)
        elapsed = time.perf_counter() - start
        if self.measuring:
            self.command_times[name].append(elapsed)
        if before is not None:
            phases = self.phases_by_command[name]
            for phase, total in self.phase_timer.totals.items():
                phases[phase] += total - before.get(phase, 0.0)
            phases["__wall__"] += elapsed
            phases["__count__"] += 1
            phases["__statements__"] += getattr(self, "statements", 0) - statements
        return result

    def run(self, plan: CasePlan) -> None:
        from engine.worklist import TaskFilter

        clock = self.clock
        clock.now = T0  # every case starts on T0, so ages and the DMN come out as planned
        case = self._call("start_case", "start_case", PROCESS_ID, plan.gemeente, plan.start_data, actor="bench")
        open_tasks = self._call("list_tasks(case)", "list_tasks", TaskFilter(case_id=case.id))
        status = case.status
        for step in plan.steps:
            clock.now += timedelta(days=step.days)
            if step.kind == "wait":
                moved = self._call("fire_due_timers", "fire_due_timers")
                assert moved == 1, f"case {plan.index}: expected one timer to fire, moved {moved}"
                open_tasks = self._call("list_tasks(case)", "list_tasks", TaskFilter(case_id=case.id))
                continue
            matching = [t for t in open_tasks if t.task == step.task]
            assert len(matching) == 1, f"case {plan.index}: expected {step.task}, open: {open_tasks}"
            result = self._call("complete_task", "complete_task", matching[0].id, step.data, actor="bench")
            assert result.incident is None, f"case {plan.index}: incident {result.incident}"
            open_tasks, status = result.open_tasks, result.status
        assert status == "completed" and not open_tasks, f"case {plan.index} ended {status}, open {open_tasks}"

    def close(self) -> None:
        self.engine.db.dispose()


class RawSide:
    """The same BPMN on SpiffWorkflow alone, in memory."""

    def __init__(self, proc_dir: Path, restricted: bool):
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
        from SpiffWorkflow.spiff.parser import SpiffBpmnParser

        from engine.scripting import HELPERS, make_script_engine

        parser = SpiffBpmnParser()
        parser.add_bpmn_files(sorted(str(p) for p in proc_dir.glob("*.bpmn")))
        parser.add_dmn_files(sorted(str(p) for p in proc_dir.glob("*.dmn")))
        self.spec = parser.get_spec(PROCESS_ID)
        self.subs = parser.get_subprocess_specs(PROCESS_ID)
        if restricted:
            self.script_engine = make_script_engine
        else:  # Spiff's own engine; the script helpers (today()) as its globals
            self.script_engine = lambda: PythonScriptEngine(environment=TaskDataEnvironment(dict(HELPERS)))
        self.clock = MovableClock(T0)
        self.step_times: list[float] = []

    def run(self, plan: CasePlan) -> None:
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        from engine.clock import running_on

        clock = self.clock
        clock.now = T0
        with running_on(clock):  # Spiff's timer module reads the bench clock, as in the engine
            workflow = BpmnWorkflow(self.spec, self.subs, script_engine=self.script_engine())
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(copy.deepcopy(plan.start_data))
            workflow.do_engine_steps()
            for step in plan.steps:
                clock.now += timedelta(days=step.days)
                start = time.perf_counter()
                if step.kind == "wait":
                    workflow.refresh_timers()
                    workflow.do_engine_steps()
                    continue
                ready = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                         if t.task_spec.bpmn_id == step.task]
                assert len(ready) == 1, f"raw case {plan.index}: expected {step.task}"
                ready[0].data.update(copy.deepcopy(step.data))
                ready[0].run()
                workflow.do_engine_steps()
                self.step_times.append(time.perf_counter() - start)
        assert workflow.is_completed(), f"raw case {plan.index} did not complete"


def run(cases: int, warmup: int = 3) -> dict:
    """Run `cases` measured plans (after `warmup` unmeasured ones) on all three sides, interleaved."""
    with tempfile.TemporaryDirectory(prefix="traject-bench-") as tmp:
        workdir = Path(tmp)
        proc_dir = copy_pvt_basis(workdir)
        plans = make_plans(cases + warmup, proc_dir.parent / "schemas")
        engine = EngineSide(workdir, proc_dir)
        one_shot = EngineSide(workdir, proc_dir, one_shot=True, name="lifecycle_one_shot")
        sides = {"traject": engine, "traject_one_shot": one_shot, "raw_restricted": RawSide(proc_dir, restricted=True),
                 "raw_default": RawSide(proc_dir, restricted=False)}
        try:
            times = _interleave(sides, plans, warmup)
        finally:
            engine.close()
            one_shot.close()
        return _summarise(times, plans[warmup:], engine, sides)


def _interleave(sides: dict, plans: list[CasePlan], warmup: int) -> dict[str, list[float]]:
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i, plan in enumerate(plans):
        for side in sides.values():
            side.measuring = i >= warmup
        order = names[i % len(names):] + names[: i % len(names)]
        for name in order:
            start = time.perf_counter()
            sides[name].run(plan)
            if i >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def _summarise(times: dict[str, list[float]], plans: list[CasePlan], engine: EngineSide, sides: dict) -> dict:
    result = {"cases": len(plans), "process": PROCESS_ID,
              "human_tasks": sum(p.human_steps for p in plans),
              "timers_fired": sum(1 for p in plans for s in p.steps if s.kind == "wait"),
              "paths": {name: sum(1 for p in plans if p.path == name) for name in sorted({p.path for p in plans})}}
    for name, samples in times.items():
        total = sum(samples)
        result[name] = {"cases_per_s": round(len(samples) / total, 1), "total_s": round(total, 3),
                        "per_case": stats_ms(samples)}
    for raw in ("raw_restricted", "raw_default"):
        result[f"ratio_vs_{raw}"] = _ratio(times["traject"], times[raw])
    # The two figures (issue 14, point 6), both against raw Spiff with Traject's script engine:
    # the Engine reused (TUI, worker) and a new Engine per command (one `traject` process per command).
    result["ratio_long_running"] = result["ratio_vs_raw_restricted"]["median_per_case"]
    result["ratio_one_shot"] = _ratio(times["traject_one_shot"], times["raw_restricted"])["median_per_case"]
    result["traject_commands"] = {name: stats_ms(v) for name, v in sorted(engine.command_times.items())}
    result["traject_one_shot_commands"] = {name: stats_ms(v)
                                           for name, v in sorted(sides["traject_one_shot"].command_times.items())}
    result["raw_restricted_step"] = stats_ms(sides["raw_restricted"].step_times)
    return result


def _ratio(traject: list[float], raw: list[float]) -> dict:
    """Traject's time over raw Spiff's: the median of the per-case ratios, and the ratio of the totals."""
    ratios = sorted(t / r for t, r in zip(traject, raw, strict=True))
    return {"median_per_case": round(ratios[len(ratios) // 2], 2), "totals": round(sum(traject) / sum(raw), 2)}


def breakdown(cases: int, warmup: int = 3) -> dict:
    """Mean ms per command by phase (see bench.breakdown), for start_case and complete_task."""
    from .breakdown import phases

    with tempfile.TemporaryDirectory(prefix="traject-bench-") as tmp:
        workdir = Path(tmp)
        proc_dir = copy_pvt_basis(workdir)
        plans = make_plans(cases + warmup, proc_dir.parent / "schemas", seed=7)
        engine = EngineSide(workdir, proc_dir)
        try:
            for plan in plans[:warmup]:
                engine.run(plan)
            engine.count_statements()
            with phases() as timer:
                engine.phase_timer = timer
                for plan in plans[warmup:]:
                    engine.run(plan)
        finally:
            engine.close()
    result = {}
    for command in ("start_case", "complete_task"):
        charged = engine.phases_by_command[command]
        count, wall = charged.pop("__count__"), charged.pop("__wall__")
        statements = charged.pop("__statements__")
        rows = {phase: total * 1000 / count for phase, total in charged.items() if total > 0}
        rows["other (session, ORM bookkeeping, unlisted SQL)"] = wall * 1000 / count - sum(rows.values())
        result[command] = {"commands": int(count), "wall_ms": round(wall * 1000 / count, 3),
                           "sql_statements": round(statements / count, 1),
                           "phases_ms": {k: round(v, 3) for k, v in sorted(rows.items(), key=lambda kv: -kv[1])}}
    return result


def profile(cases: int, top: int = 15) -> dict:
    """cProfile over the Traject side of the lifecycle: top entries by cumulative time and where
    the self time goes, per library."""
    import cProfile
    import io
    import pstats

    with tempfile.TemporaryDirectory(prefix="traject-bench-") as tmp:
        workdir = Path(tmp)
        proc_dir = copy_pvt_basis(workdir)
        plans = make_plans(cases + 3, proc_dir.parent / "schemas")
        engine = EngineSide(workdir, proc_dir)
        try:
            for plan in plans[:3]:
                engine.run(plan)
            profiler = cProfile.Profile()
            profiler.enable()
            for plan in plans[3:]:
                engine.run(plan)
            profiler.disable()
        finally:
            engine.close()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    stats.sort_stats("cumulative")
    return {"cases": cases, "top_cumulative": _top(stats, top), "self_time_by_package": _by_package(stats)}


def _top(stats, top: int) -> str:
    """The `top` entries by cumulative time, the bench's own frames left out, paths shortened."""
    lines = [f"{'ncalls':>10} {'tottime':>8} {'cumtime':>8}  function"]
    for func in stats.fcn_list:
        filename, line, name = func
        if "/bench/" in filename or filename.startswith("<"):
            continue
        calls, primitive, tottime, cumtime, _ = stats.stats[func]
        ncalls = f"{calls}/{primitive}" if calls != primitive else str(calls)
        where = filename.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
        lines.append(f"{ncalls:>10} {tottime:8.3f} {cumtime:8.3f}  {where}:{line}({name})")
        if len(lines) > top:
            break
    return "\n".join(lines)


PACKAGES = (("sqlalchemy", "/sqlalchemy/"), ("SpiffWorkflow", "/SpiffWorkflow/"), ("jsonschema", "/jsonschema"),
            ("RestrictedPython", "/RestrictedPython/"), ("traject engine", "/engine/"), ("bench", "/bench/"),
            ("json (stdlib)", "/json/"), ("copy (stdlib)", "copy.py"), ("uuid (stdlib)", "uuid.py"))


def _by_package(stats) -> dict[str, float]:
    """Self time (tottime) per library, in % of the profiled total."""
    totals: dict[str, float] = defaultdict(float)
    grand = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        grand += tottime
        label = next((name for name, marker in PACKAGES if marker in filename), None)
        if label is None:
            if filename == "~":  # C functions: sqlite3 calls, json encode/decode, ...
                label = "sqlite3 (C)" if "sqlite3" in func else "builtins (C)"
            else:
                label = "other Python"
        totals[label] += tottime
    return {k: round(100 * v / grand, 1) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}
