"""Every shipped startable process handles every value its forms allow: driven with random
schema-valid data (and time moving on when a case only waits), no case ever ends in an incident."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from grants import settings_for

from engine.demo.formdata import FormDataGenerator
from engine.demo.people import PersonFactory
from engine.service import build_engine

from conftest import REPO

RUNS_PER_PROCESS = 12
MAX_STEPS = 60


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    clock = Clock()
    db = tmp_path_factory.mktemp("drive") / "drive.db"
    engine = build_engine(settings_for(f"sqlite:///{db}", user="robot"), clock=clock)
    engine.deploy([REPO / "processes"])
    yield engine, clock
    engine.db.dispose()


def _startable(engine):
    return [p for p in engine.processes() if p.startable]


def test_there_are_startable_processes(library):
    engine, _ = library
    assert _startable(engine)


@pytest.mark.parametrize("seed", range(RUNS_PER_PROCESS))
def test_random_valid_data_never_causes_an_incident(library, seed):
    engine, clock = library
    rng = random.Random(seed)
    people = PersonFactory(seed)
    for process in _startable(engine):
        forms = FormDataGenerator(rng, clock.now.date(), optional_share=0.5)
        person = people.person(clock.now.date())
        fixed = {"naam": person.naam, "bsn": person.bsn}
        start = forms.generate(process.start_schema, fixed) if process.start_schema else {}
        case = engine.start_case(process.process_id, "GM0363", start)
        status = _drive(engine, clock, rng, forms, case.id)
        detail = engine.show_case(case.id)
        assert status != "error", f"{process.process_id} (seed {seed}): {detail.incident}"


def _drive(engine, clock, rng, forms, case_id) -> str:
    for _ in range(MAX_STEPS):
        detail = engine.show_case(case_id)
        if detail.summary.status != "running":
            return detail.summary.status
        if not detail.open_tasks:
            if not detail.waiting_timers:
                return detail.summary.status
            clock.now = max(clock.now, detail.waiting_timers[0]) + timedelta(minutes=1)
            engine.fire_due_timers(case_id=case_id)
            continue
        task = rng.choice(detail.open_tasks)
        form = engine.get_form(task.id)
        clock.now += timedelta(days=rng.randint(0, 10))
        engine.complete_task(task.id, forms.generate(form.schema or {}))
    return engine.show_case(case_id).summary.status
