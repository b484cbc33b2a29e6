"""Shared helpers: statistics, the movable clock, peak memory, machine facts and the pvt_basis bundle."""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_PROCESSES = Path(__file__).resolve().parent / "processes"
TRAJECT = Path(sys.executable).parent / "traject"
PYCACHE = Path(tempfile.gettempdir()) / "traject-bench-pycache"  # bytecode of the measured subprocesses

# pvt_basis and exactly what it needs, frozen: a copy of processes/pvt_basis.bpmn, pvt_workshop.bpmn,
# pvt_plicht.dmn and their forms as committed in b91cb68. processes/ and schemas/ change all the time
# (pvt_basis itself is being split up), and the bench must keep measuring the same thing: refresh this
# copy on purpose, together with bench/plans.py, when the measured process should change.
PVT_BASIS_DIR = Path(__file__).resolve().parent / "processes" / "pvt_basis"
PVT_BASIS_FILES = ("pvt_basis.bpmn", "pvt_workshop.bpmn", "pvt_plicht.dmn")
FORM_ATTR = re.compile(r'name="form(?:Json|Ui)SchemaFilename"\s+value="([^"]+)"')

# 2 March 2026, 09:00 in Amsterdam: every bench clock starts here, so runs are repeatable.
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
GEMEENTEN = ("GM0363", "GM0344", "GM0014", "GM1680")


class MovableClock:
    """An engine clock the bench moves forward (build_engine(settings, clock=...))."""

    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


BUILDER = "bench"  # the bench's own user: administrator, designer, auditor and every lane, everywhere


def grant_builder(engine) -> None:
    """Before the first deploy: the bench user is the database's first beheerder (and designer, auditor)."""
    engine.add_user(BUILDER, ["beheerder", "ontwerper", "auditor"], everywhere=True)


def grant_lanes(engine) -> None:
    """After a deploy: the bench user works every lane, so it drives cases through the real rights check."""
    from engine.rights.policy import SPECIAL

    engine.add_user(BUILDER, sorted(engine.known_lanes() - SPECIAL), everywhere=True, force=True)


def stats_ms(samples_s: list[float]) -> dict:
    """Median, p95, mean, min and max in milliseconds of a list of durations in seconds."""
    if not samples_s:
        return {"n": 0}
    ordered = sorted(samples_s)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(percentile(ordered, 95) * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def run_measured(argv: list[str], env: dict | None = None, cwd: str | Path | None = None,
                 timeout: float = 300) -> dict:
    """Run a subprocess: its wall time, exit code and output. (Not its peak RSS: on Linux a child
    inherits its parent's high-water mark through fork and exec; bench.probe reads VmHWM inside.)"""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, timeout=timeout, check=False)
    return {"wall_s": time.perf_counter() - start, "code": proc.returncode,
            "stdout": proc.stdout.decode(errors="replace"), "stderr": proc.stderr.decode(errors="replace")}


def probe(mode: str, *args: str, timeout: float = 300) -> dict:
    """Run `python -m bench.probe MODE ARGS...` in a clean environment; its JSON result and wall time."""
    result = run_measured([sys.executable, "-m", "bench.probe", mode, *args], env=clean_env(), cwd=REPO,
                          timeout=timeout)
    lines = result["stdout"].strip().splitlines()
    if result["code"] != 0 or not lines:
        raise RuntimeError(f"probe {mode} failed ({result['code']}): {result['stderr'][-800:]}")
    return {**json.loads(lines[-1]), "wall_s": round(result["wall_s"], 3)}


def clean_env(**extra: str) -> dict:
    """The environment for traject subprocesses: no TRAJECT_* from the developer's shell, and bytecode
    caching on, as in an installation. PYTHONDONTWRITEBYTECODE (set in some containers and CI images)
    would make every start compile Traject's own modules again, about 0.1 s that no user pays: the
    warm-up run writes the bytecode into a cache folder of the bench's own (PYTHONPYCACHEPREFIX), so
    the source tree stays as it is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAJECT_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))
    env.update(extra)
    return env


def copy_pvt_basis(dest: Path) -> Path:
    """Copy the frozen pvt_basis bundle to dest/processes (its forms to dest/schemas, where deploy finds
    them). Returns the processes folder."""
    return copy_bundle(dest, [PVT_BASIS_DIR / name for name in PVT_BASIS_FILES])


def copy_bundle(dest: Path, files: list[Path]) -> Path:
    proc_dir, schema_dir = dest / "processes", dest / "schemas"
    proc_dir.mkdir(parents=True, exist_ok=True)
    schema_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy2(path, proc_dir / path.name)
        for form in FORM_ATTR.findall(path.read_text(encoding="utf-8")):
            shutil.copy2(path.parent / form, schema_dir / form)  # frozen bundles keep their forms beside them
    return proc_dir


def machine_info() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    from importlib.metadata import version

    import sqlalchemy

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "spiffworkflow": version("SpiffWorkflow"),
        "platform": platform.platform(),
    }
