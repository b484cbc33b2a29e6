"""Seed a demo database: the shipped processes, demo users, and generated cases at every stage."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import EngineError, NotAllowed
from .formdata import FormDataGenerator
from .people import PersonFactory
from .sessions import OUTSIDE_EXECUTOR, plan_demo_sessions

GEMEENTEN = ("GM0363", "GM0344", "GM0014", "GM1680")  # Amsterdam, Utrecht, Groningen, Aa en Hunze
DEMO_ROLES = ("klantmanager", "coordinator", "trainer", "uitvoerder", "regio", "jurist")


class MovableClock:
    """The demo's engine clock: each case starts in the past and moves forward as it is worked on."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def processes_dir() -> Path:
    here = Path(__file__).resolve().parents[2] / "processes"
    return here if here.is_dir() else Path.cwd() / "processes"


# Per-role demo users, so a newcomer can see the app as each role does (README lists them).
ROLE_USERS = {
    "anna": ("klantmanager",),
    "bram": ("coordinator",),
    "chris": ("uitvoerder", "trainer"),
    "dewi": ("auditor",),
    "vera": (f"uitvoerder:{OUTSIDE_EXECUTOR}",),  # an outside executor: its lanes, only the form fields
}


def seed_demo(settings, people: int = 50, seed: int = 2026, fresh: bool = False) -> str:
    """Seed generated cases relative to the clock (`--now`, else real time); keep an existing demo.

    Each case is worked on in the past so that its open task became ready recently: most tasks are
    new or due soon and a few are overdue, as on a real caseworker's day, whatever today's date is.
    """
    from ..service import build_engine

    real_now = settings.now or datetime.now(UTC)
    clock = MovableClock(real_now)
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
    removed = engine.clear_all_data() if fresh else 0
    existing = engine.list_cases(limit=1)
    if existing:
        return ("demo database already has cases: kept as it is, nothing added "
                "(`traject demo --fresh` replaces them)")
    engine.deploy([processes_dir()])
    _add_users(engine, me)
    rng = random.Random(seed)
    factory = PersonFactory(seed)
    startable = [p for p in engine.processes() if p.startable]
    for index in range(people):
        process = startable[index % len(startable)]
        # One case in eight was last worked on weeks ago, so its task is overdue: a few "!", not a wall.
        _one_case(engine, clock, rng, factory, process, rng.choice(GEMEENTEN), real_now, stale=index % 8 == 5)
    clock.now = real_now
    sessions = plan_demo_sessions(engine, rng, real_now, GEMEENTEN)
    replaced = f" (replaced {removed} earlier cases)" if fresh else ""
    return (f"demo database ready{replaced}: {people} cases over {len(startable)} processes in "
            f"{len(GEMEENTEN)} gemeenten and {sessions} group sessions, seeded up to "
            f"{real_now.isoformat(timespec='minutes')}; users: demo (every role), " + ", ".join(f"{name} ({'/'.join(roles)})" for name, roles in ROLE_USERS.items()))


def _add_users(engine, me: str) -> None:
    """`demo` and the one seeding work every lane in the demo gemeenten; one user per role beside them."""
    roles = sorted(set(DEMO_ROLES) | engine.known_lanes())
    for user in dict.fromkeys(("demo", me)):
        engine.add_user(user, roles, GEMEENTEN, force=True)
    for name, user_roles in ROLE_USERS.items():
        engine.add_user(name, user_roles, GEMEENTEN, force=True)


def _last_activity_age(rng: random.Random, stale: bool) -> timedelta:
    """How long ago a case's open task became ready. Tasks are due 5 to 30 days after that, so this
    spread gives mostly new and due-soon work, and the stale cases' overdue tasks (the demo test measures
    it; cases of variants that wait for a group session have no open task to be overdue)."""
    roll = rng.random()
    days = rng.uniform(30, 45) if stale else rng.uniform(0, 2) if roll < 0.7 else rng.uniform(2, 5)
    return timedelta(days=days)


def _obligation(rng: random.Random) -> dict:
    """Who comes in, as a municipality sees it: nearly everyone from outside the EU and without a DUO
    exemption, so most demo cases are obliged and running (random answers closed half of them at intake)."""
    return {"nationaliteit_categorie": "derde_land" if rng.random() < 0.9 else "eu_eer_zwitserland",
            "duo_ontheffing": rng.random() < 0.05}


def _one_case(engine, clock, rng, factory, process, gemeente, real_now, stale: bool) -> None:
    gaps = [timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8)) for _ in range(rng.randint(0, 8))]
    clock.now = real_now - _last_activity_age(rng, stale) - sum(gaps, timedelta())
    person = factory.person(clock.now.date())
    forms = FormDataGenerator(rng, clock.now.date())
    fixed = {"naam": person.naam, "bsn": person.bsn, "geboortedatum": person.geboortedatum,
             "voertaal": person.voertaal, "datum_vestiging": (clock.now.date() - timedelta(days=30)).isoformat(),
             **_obligation(rng)}
    data = forms.generate(process.start_schema, fixed) if process.start_schema else fixed
    case = engine.start_case(process.process_id, gemeente, data)
    for gap in gaps:
        clock.now += gap
        engine.fire_due_timers(case_id=case.id)
        open_tasks = engine.list_tasks(case_id=case.id)
        if not open_tasks:
            continue  # waiting on a timer: a later step may find it fired
        form = engine.get_form(open_tasks[0].id)
        try:
            result = engine.complete_task(open_tasks[0].id, forms.generate(form.schema or {}, fixed))
        except EngineError:
            break
        if result.status != "running":
            return
    clock.now = real_now
    engine.fire_due_timers(case_id=case.id)  # what the worker would have done by now
