"""Live workflows (engine/live.py, issue 14 point 2): a long-running process keeps restored workflows
between commands. What it keeps must be exactly what is stored: the random drive restores every case
both ways (the live object and the stored row) and compares their state, and `audit verify` replays
each case's events against it; a change by another process, an incident or a rolled-back command
never leaves a stale object behind."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from grants import settings_for

from engine import instances
from engine.cases import _restore
from engine.demo.formdata import FormDataGenerator
from engine.demo.people import PersonFactory
from engine.errors import ClockBehind
from engine.live import LiveWorkflows
from engine.service import build_engine
from engine.store.tables import Case

from conftest import REPO, TESTS

MAX_STEPS = 25
SEEDS = 1  # every shipped startable process once (tests/test_random_drive.py drives twelve seeds)


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


def _engine(url: str, clock: Clock, live: bool = True, settings=None):
    engine = build_engine(settings or settings_for(url, user="robot"), clock=clock)
    if live:
        engine.keep_live_workflows()
    return engine


def _stored_state(engine, case_id: str) -> tuple[dict, int, str]:
    """The case's state restored from its stored row (what a one-shot command sees)."""
    with engine.db.transaction(write=False) as session:
        case = session.get(Case, case_id)
        workflow = _restore(session, engine._ctx("robot"), case)
        return instances.state_snapshot(workflow), case.lock_version, case.workflow


def _assert_live_matches_stored(engine, case_id: str) -> None:
    stored, version, text = _stored_state(engine, case_id)
    entry = engine._live._entries.get(case_id)
    if stored["completed"] and entry is None:
        return
    assert entry is not None, f"case {case_id}: no live workflow after a successful command"
    assert entry[0] == version, "kept under another lock version than the stored row"
    assert instances.state_snapshot(entry[2]) == stored


def test_live_and_stored_workflows_agree_on_every_case_of_a_random_drive(tmp_path):
    clock = Clock()
    engine = _engine(f"sqlite:///{tmp_path / 'drive.db'}", clock)
    engine.deploy([REPO / "processes"])
    case_ids = []
    for seed in range(SEEDS):
        for case_id, rng, forms in started_cases(engine, clock, seed):
            case_ids.append(case_id)
            _assert_live_matches_stored(engine, case_id)
            _drive(engine, clock, rng, forms, case_id)
    assert engine._live.hits > 0
    results = engine.verify_cases(case_ids, jobs=1)  # replay of the events against the stored state
    assert [r for r in results if not r.ok] == []


def started_cases(engine, clock, seed: int):
    """One case of every startable deployed process with generated start data: (case id, rng, forms)."""
    rng, people = random.Random(seed), PersonFactory(seed)
    for process in [p for p in engine.processes() if p.startable]:
        forms = FormDataGenerator(rng, clock.now.date(), optional_share=0.5)
        person = people.person(clock.now.date())
        start = forms.generate(process.start_schema, {"naam": person.naam, "bsn": person.bsn}) \
            if process.start_schema else {}
        yield engine.start_case(process.process_id, "GM0363", start).id, rng, forms


def _drive(engine, clock, rng, forms, case_id) -> None:
    for _ in range(MAX_STEPS):
        detail = engine.show_case(case_id)
        if detail.summary.status != "running":
            return
        if not detail.open_tasks:
            if not detail.waiting_timers:
                return
            clock.now = max(clock.now, detail.waiting_timers[0]) + timedelta(minutes=1)
            engine.fire_due_timers(case_id=case_id)
        else:
            task = rng.choice(detail.open_tasks)
            form = engine.get_form(task.id)
            clock.now += timedelta(days=rng.randint(0, 10))
            engine.complete_task(task.id, forms.generate(form.schema or {}))
        _assert_live_matches_stored(engine, case_id)


LIFECYCLE = TESTS / "bpmn" / "lifecycle"


def _intake(engine, case_id: str):
    (task,) = engine.list_tasks(case_id=case_id)
    return task


@pytest.fixture
def two_processes(tmp_path):
    """The same database seen by a long-running process (live workflows) and a one-shot one."""
    clock, url = Clock(), f"sqlite:///{tmp_path / 'shared.db'}"
    app = _engine(url, clock)
    app.deploy([LIFECYCLE, TESTS / "bpmn" / "incident"])
    cli = _engine(url, clock, live=False, settings=app.settings)
    yield app, cli, clock
    app.db.dispose()
    cli.db.dispose()


START = {"leeftijd": 30}


def test_a_case_moved_by_another_process_is_restored_from_its_row(two_processes):
    app, cli, clock = two_processes
    case = app.start_case("aanvraag", "GM0363", START)
    app.get_form(_intake(app, case.id).id)
    assert case.id in app._live._entries
    clock.now += timedelta(days=1)
    cli.complete_task(_intake(cli, case.id).id, {"naam": "door een ander"})  # lock version moves on
    misses = app._live.misses
    detail = app.show_case(case.id)  # the app's kept object is one version behind: not used
    assert app._live.misses == misses + 1
    assert detail.data.get("naam") == "door een ander"
    assert [r for r in app.verify_cases([case.id], jobs=1) if not r.ok] == []


def test_an_incident_or_a_rolled_back_command_keeps_no_live_workflow(two_processes):
    app, cli, clock = two_processes
    case = app.start_case("incident", "GM0363", {"deler": 0})
    clock.now += timedelta(hours=1)
    result = app.complete_task(_intake(app, case.id).id, {})
    assert result.incident is not None
    assert case.id not in app._live._entries  # the half-run object is gone, the row is as before

    other = app.start_case("aanvraag", "GM0363", START)
    assert other.id in app._live._entries
    task = _intake(app, other.id)
    clock.now -= timedelta(days=1)  # before the case's last event: the command is refused and rolled back
    with pytest.raises(ClockBehind):
        app.complete_task(task.id, {"naam": "Jan"})
    assert other.id not in app._live._entries
    clock.now += timedelta(days=2)
    app.complete_task(task.id, {"naam": "Jan"})  # restored from the row: the failed attempt left no trace
    assert [r for r in app.verify_cases([case.id, other.id], jobs=1) if not r.ok] == []


def test_an_entry_serves_only_the_exact_row_it_was_kept_for():
    live = LiveWorkflows(capacity=2)
    workflow = object()
    live.put("a", 3, "stored text", workflow)
    assert live.peek("a", 3, "other text") is None  # rewritten without a new version (e.g. in SQL)
    live.put("a", 3, "stored text", workflow)
    assert live.peek("a", 4, "stored text") is None
    live.put("a", 3, "stored text", workflow)
    assert live.take("a", 3, "stored text") is workflow and live.take("a", 3, "stored text") is None
    for name in "abc":
        live.put(name, 1, "x", workflow)
    assert len(live) == 2 and live.peek("a", 1, "x") is None  # least recently used dropped first
