"""A database with many open pvt_basis cases, made fast.

A few hundred real cases go through the Engine (start form, task forms, events, work items), each
stopped at a random point so it stays open, with start times spread over three months and the four
gemeenten. Bulk copies of them (cases, work_items, events; new ids, INSERT ... SELECT) then bring the
database to the size wanted: each copy gets another gemeente and its dates shifted by up to +-45 days,
so due dates, roles and gemeenten stay spread like the real ones.

Copies share their template's workflow text, person and history (its hash chain names the template's
case id, so a copy's chain does not verify): fine for lists, timers and loading, not for audits.
Copies' timers are never due in the bench: the worker measurement fires timers of a separate set of
real cases started a year earlier (a copy firing its timer would make a work item with its template's
Spiff task id).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from .common import GEMEENTEN, T0, MovableClock, copy_pvt_basis, grant_builder, grant_lanes
from .plans import make_plans

# The caseworker whose worklist the bench opens: one role in one gemeente.
BENCH_USER, ROLE, GEMEENTE = "km_bench", "klantmanager", "GM0363"

PROCESS_ID = "pvt_basis"
DUE_SET_START = T0 - timedelta(days=400)  # the worker's due cases start here ...
WORKER_NOW = T0 - timedelta(days=300)  # ... and the worker runs at this time: only they are due then


@dataclass
class Population:
    db_url: str
    db_path: Path
    schema_dir: Path
    templates: int
    due_cases: int = 0

    def open_cases(self) -> int:
        import sqlite3

        with sqlite3.connect(self.db_path) as con:
            return con.execute("SELECT count(*) FROM cases WHERE status = 'running'").fetchone()[0]


def create(workdir: Path, templates: int, seed: int = 11) -> Population:
    """Deploy pvt_basis and run `templates` real cases, each left open at a random step."""
    from engine.service import build_engine
    from engine.settings import Settings

    proc_dir = copy_pvt_basis(workdir)
    db_path = workdir / "population.db"
    clock = MovableClock(T0)
    settings = Settings(db_url=f"sqlite:///{db_path}", user="bench", schema_dirs=(proc_dir.parent / "schemas",))
    engine = build_engine(settings, clock=clock)
    grant_builder(engine)
    engine.deploy([proc_dir], actor="bench")
    grant_lanes(engine)
    engine.add_user(BENCH_USER, [ROLE], [GEMEENTE])  # the caseworker whose worklist the bench opens
    rng = random.Random(seed)
    for plan in make_plans(templates, proc_dir.parent / "schemas", seed=seed):
        tasks = [s for s in _until_wait(plan.steps)]
        stop = rng.randint(0, len(tasks) - 1)  # complete `stop` tasks, leave the next one open
        clock.now = T0 - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 8))
        _run_open(engine, clock, plan, tasks[:stop], rng.choice(GEMEENTEN))
    engine.db.dispose()
    return Population(settings.db_url, db_path, proc_dir.parent / "schemas", templates)


def _until_wait(steps):
    for step in steps:
        if step.kind == "wait":
            return
        yield step


def _run_open(engine, clock, plan, steps, gemeente: str) -> str:
    from engine.worklist import TaskFilter

    case = engine.start_case(PROCESS_ID, gemeente, plan.start_data, actor="bench")
    open_tasks = engine.list_tasks(TaskFilter(case_id=case.id))
    for step in steps:
        clock.now += timedelta(days=step.days)
        [item] = [t for t in open_tasks if t.task == step.task]
        result = engine.complete_task(item.id, step.data, actor="bench")
        assert result.incident is None and result.status == "running", result
        open_tasks = result.open_tasks
    assert open_tasks, f"template case {plan.index} has no open task"
    return case.id


def add_due_set(pop: Population, count: int, seed: int = 13) -> None:
    """`count` real cases waiting at DUO-registratie whose 14-day timer is due at WORKER_NOW."""
    from engine.service import build_engine
    from engine.settings import Settings

    clock = MovableClock(DUE_SET_START)
    engine = build_engine(Settings(db_url=pop.db_url, user="bench", schema_dirs=(pop.schema_dir,)), clock=clock)
    plans = [p for p in make_plans(count * 4, pop.schema_dir, seed=seed, today=(DUE_SET_START + timedelta(days=30)).date())
             if p.path in ("voldaan", "duo_te_laat")]
    rng = random.Random(seed)
    for plan in plans[:count]:
        steps = [s for s in plan.steps if s.kind == "task"]
        upto = next(i for i, s in enumerate(steps) if s.task == "Task_Ondertekening") + 1
        clock.now = DUE_SET_START + timedelta(days=rng.randint(0, 30))
        _run_open(engine, clock, plan, steps[:upto], rng.choice(GEMEENTEN))
    engine.db.dispose()
    pop.due_cases += min(count, len(plans))


def grow(pop: Population, open_cases: int) -> dict:
    """Copy template cases until the database holds `open_cases` running cases. Returns timings."""
    from sqlalchemy import create_engine

    have = pop.open_cases()
    copies = open_cases - have
    if copies <= 0:
        return {"copied": 0, "seconds": 0.0}
    start = time.perf_counter()
    sa = create_engine(pop.db_url)
    with sa.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        first = conn.execute(text("SELECT coalesce(max(n), 0) FROM bench_copies")).scalar() \
            if _has_table(conn, "bench_copies") else 0
        if not first:
            conn.exec_driver_sql("CREATE TABLE bench_copies (n INTEGER PRIMARY KEY, case_id TEXT, "
                                 "template_id TEXT, gemeente TEXT, shift TEXT)")
        _fill_map(conn, first, copies, pop.templates)
        stmt = f"FROM bench_copies m JOIN {{table}} t ON t.{{key}} = m.template_id WHERE m.n > {first}"
        for table, key in (("cases", "id"), ("work_items", "case_id"), ("events", "case_id")):
            conn.exec_driver_sql(_copy_sql(conn, table) + stmt.format(table=table, key=key))
    with sa.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sa.dispose()
    return {"copied": copies, "seconds": round(time.perf_counter() - start, 2)}


def _has_table(conn, name: str) -> bool:
    return conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = :n"), {"n": name}).scalar() > 0


def _fill_map(conn, first: int, copies: int, templates: int) -> None:
    """bench_copies rows first+1 .. first+copies: new case id, template (round robin over the open
    real cases), gemeente and date shift, both spread deterministically by n (multiplicative hashes,
    so a template's copies land in every gemeente)."""
    gemeenten = ", ".join(f'"{g}"' for g in GEMEENTEN)
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.bench_templates")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE bench_templates AS SELECT id, row_number() OVER (ORDER BY created_at, id) - 1 AS k "
        "FROM cases WHERE status = 'running' AND id NOT IN (SELECT case_id FROM bench_copies) "
        f"AND (next_timer_at IS NULL OR next_timer_at > '{_sql_time(DUE_SET_START + timedelta(days=200))}')")
    count = conn.exec_driver_sql("SELECT count(*) FROM temp.bench_templates").scalar()
    assert count, "no open template cases to copy"
    conn.exec_driver_sql(f"""
        WITH RECURSIVE seq(n) AS (SELECT {first + 1} UNION ALL SELECT n + 1 FROM seq WHERE n < {first + copies})
        INSERT INTO bench_copies (n, case_id, template_id, gemeente, shift)
        SELECT n, {_UUID}, t.id,
               json_extract('[{gemeenten}]', '$[' || ((n * 2246822519 % 4294967296) / 7 % {len(GEMEENTEN)}) || ']'),
               printf('%+d days', (n * 2654435761 % 4294967296) % 91 - 45)
        FROM seq JOIN temp.bench_templates t ON t.k = n % {count}""")


def _sql_time(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


# A random version-4-looking UUID (the ids' order is random, like the engine's).
_UUID = ("lower(printf('%s-%s-4%s-a%s-%s', hex(randomblob(4)), hex(randomblob(2)), substr(hex(randomblob(2)), 2), "
         "substr(hex(randomblob(2)), 2), hex(randomblob(6))))")
# Per table: the columns a copy gets from bench_copies (m) or new; None leaves the column out (autoincrement).
# Every other column is copied from the template row (t), dates shifted: the copy follows schema changes.
_OVERRIDES = {
    "cases": {"id": "m.case_id", "gemeente": "m.gemeente"},
    "work_items": {"id": _UUID, "case_id": "m.case_id", "gemeente": "m.gemeente"},
    "events": {"id": None, "case_id": "m.case_id"},
}


def _copy_sql(conn, table: str) -> str:
    """INSERT INTO table (...) SELECT ... for the copies; the caller appends FROM/JOIN/WHERE."""
    names, values = [], []
    for _cid, name, declared, *_ in conn.exec_driver_sql(f"PRAGMA table_info({table})"):
        override = _OVERRIDES[table].get(name, "")
        if override is None:
            continue
        names.append(name)
        if override:
            values.append(override)
        elif declared.upper().startswith(("DATETIME", "TIMESTAMP")):  # 'YYYY-MM-DD HH:MM:SS.ffffff'
            values.append(f"datetime(t.{name}, m.shift) || substr(t.{name}, 20)")
        else:
            values.append(f"t.{name}")
    return f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
