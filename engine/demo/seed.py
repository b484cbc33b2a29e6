"""Seed a demo database: the shipped processes, demo users, and generated cases at every stage."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import EngineError, NotAllowed
from .formdata import FormDataGenerator
from .people import PersonFactory

GEMEENTEN = ("GM0363", "GM0344", "GM0014", "GM1680")  # Amsterdam, Utrecht, Groningen, Aa en Hunze
DEMO_ROLES = ("klantmanager", "coordinator", "trainer", "uitvoerder", "regio")


class MovableClock:
    """The demo's engine clock: each case starts in the past and moves forward as it is worked on."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def processes_dir() -> Path:
    here = Path(__file__).resolve().parents[2] / "processes"
    return here if here.is_dir() else Path.cwd() / "processes"


def seed_demo(settings, people: int = 50, seed: int = 2026) -> str:
    from ..service import build_engine

    clock = MovableClock(datetime.now(UTC))
    engine = build_engine(settings, clock=clock)
    engine.db.allow_create()  # demo makes its database when there is none
    me = engine.identity()[0]
    if not engine.whoami().may("demo.seed"):
        # Only a beheerder seeds into an existing directory; into a new one, the person seeding it becomes
        # its first beheerder (and designer and auditor).
        try:
            existing = engine.list_users()
        except NotAllowed:
            existing = True
        if existing:
            raise engine.principal_refusal("demo.seed", "this database")
        engine.add_user(me, ["beheerder", "ontwerper", "auditor"], everywhere=True)
    if engine.list_cases(limit=1):
        return "demo database already has cases: nothing added"
    engine.deploy([processes_dir()])
    startable = [p for p in engine.processes() if p.startable]
    roles = sorted(set(DEMO_ROLES) | engine.known_lanes())
    for user in dict.fromkeys(("demo", me)):
        engine.add_user(user, roles, GEMEENTEN, force=True)
    rng = random.Random(seed)
    factory = PersonFactory(seed)
    real_now = clock.now
    for index in range(people):
        process = startable[index % len(startable)]
        clock.now = real_now - timedelta(days=rng.randint(20, 200), hours=rng.randint(0, 8))
        _one_case(engine, clock, rng, factory, process, rng.choice(GEMEENTEN), real_now)
    return f"demo database ready: {people} cases over {len(startable)} processes in {len(GEMEENTEN)} gemeenten"


def _one_case(engine, clock, rng, factory, process, gemeente, real_now) -> None:
    person = factory.person(clock.now.date())
    forms = FormDataGenerator(rng, clock.now.date())
    fixed = {"naam": person.naam, "bsn": person.bsn, "geboortedatum": person.geboortedatum,
             "voertaal": person.voertaal, "datum_vestiging": (clock.now.date() - timedelta(days=30)).isoformat()}
    data = forms.generate(process.start_schema, fixed) if process.start_schema else fixed
    case = engine.start_case(process.process_id, gemeente, data)
    for _ in range(rng.randint(0, 8)):
        clock.now += timedelta(days=rng.randint(1, 12))
        if clock.now >= real_now:
            break
        engine.fire_due_timers()
        open_tasks = engine.list_tasks(case_id=case.id)
        if not open_tasks:
            break
        task = open_tasks[0]
        form = engine.get_form(task.id)
        try:
            result = engine.complete_task(task.id, forms.generate(form.schema or {}, fixed))
        except EngineError:
            break
        if result.status != "running":
            break
