"""The stored workflow is a snapshot and the events are the truth (engine/snapshots.py, issue 14 point 1).

A task completion or a timer leaves the stored workflow as it was and writes only its event: whoever
loads the case re-applies the commands since the snapshot. The random drive checks after every command
that the snapshot plus the re-applied events give the very state the live workflow has, task ids
included (the work items name them), and `audit verify` replays every case from its first event.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update
from test_live_workflows import Clock, _engine, started_cases

from engine import instances, snapshots
from engine.cases import _restore
from engine.demo.formdata import FormDataGenerator
from engine.store.tables import Case, WorkItem

from conftest import REPO, TESTS

SEEDS = 3
MAX_STEPS = 30


def _restored(engine, case_id: str):
    """The case as a one-shot command restores it: the stored snapshot, then the events since."""
    with engine.db.transaction(write=False) as session:
        case = session.get(Case, case_id)
        workflow = _restore(session, engine._ctx("robot"), case)
        items = set(session.scalars(select(WorkItem.id).where(WorkItem.case_id == case_id)))
        return workflow, case.snapshot_seq, items


def _check(engine, case_id: str, seen: dict) -> None:
    workflow, snapshot_seq, items = _restored(engine, case_id)
    open_ids = {t.id for t in instances.human_tasks(workflow)}
    assert open_ids == items, "the re-applied commands made other task ids than the work items name"
    entry = engine._live._entries.get(case_id)
    if entry is not None:
        assert instances.state_snapshot(entry[2]) == instances.state_snapshot(workflow)
        assert {t.id for t in instances.human_tasks(entry[2])} == open_ids
    if snapshot_seq is not None:
        seen["behind"] += 1


def test_snapshot_and_replay_agree_with_the_live_state_on_every_case_of_a_random_drive(tmp_path):
    clock = Clock()
    engine = _engine(f"sqlite:///{tmp_path / 'drive.db'}", clock)
    engine.deploy([REPO / "processes"])
    case_ids, seen = [], {"behind": 0}
    for seed in range(SEEDS):
        for case_id, rng, forms in started_cases(engine, clock, 100 + seed):
            case_ids.append(case_id)
            for _ in range(MAX_STEPS):
                if not _step(engine, clock, rng, forms, case_id):
                    break
                _check(engine, case_id, seen)
    assert seen["behind"] > 0, "no command left its event to be re-applied: the snapshot path never ran"
    results = engine.verify_cases(case_ids, jobs=1)
    assert [(r.case_id, [f.message for f in r.findings]) for r in results if not r.ok] == []


def _step(engine, clock, rng, forms, case_id) -> bool:
    detail = engine.show_case(case_id)
    if detail.summary.status != "running":
        return False
    if detail.open_tasks:
        task = rng.choice(detail.open_tasks)
        form = engine.get_form(task.id)
        clock.now += timedelta(days=rng.randint(0, 10))
        engine.complete_task(task.id, forms.generate(form.schema or {}))
        return True
    if not detail.waiting_timers:
        return False
    clock.now = max(clock.now, detail.waiting_timers[0]) + timedelta(minutes=1)
    engine.fire_due_timers(case_id=case_id)
    return True


LIFECYCLE = TESTS / "bpmn" / "lifecycle"


def _one_task_case(tmp_path, live: bool):
    clock = Clock()
    engine = _engine(f"sqlite:///{tmp_path / 'one.db'}", clock, live=live)
    engine.deploy([LIFECYCLE])
    case = engine.start_case("aanvraag", "GM0363", {"leeftijd": 30})
    return engine, clock, case


def _row(engine, case_id):
    with engine.db.transaction(write=False) as session:
        case = session.get(Case, case_id)
        return case.workflow, case.snapshot_seq, case.last_event_seq


def test_a_completion_writes_its_event_and_leaves_the_stored_workflow_alone(tmp_path):
    engine, clock, case = _one_task_case(tmp_path, live=False)
    stored, snapshot_seq, last_seq = _row(engine, case.id)
    assert snapshot_seq is None  # a start stores the whole workflow
    clock.now += timedelta(days=1)
    (task,) = engine.list_tasks(case_id=case.id)
    result = engine.complete_task(task.id, {"naam": "Jan"})
    after, snapshot_after, last_after = _row(engine, case.id)
    assert after == stored and snapshot_after == last_seq and last_after > last_seq
    # A one-shot command (no live workflows) re-applies the completion and sees the next task by its id.
    assert [t.id for t in engine.list_tasks(case_id=case.id)] == [t.id for t in result.open_tasks]
    assert engine.show_case(case.id).data["naam"] == "Jan"
    assert all(r.ok for r in engine.verify_cases([case.id], jobs=1))


def test_a_full_snapshot_is_written_at_most_every_n_events(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "SNAPSHOT_EVERY", 2)
    engine, clock, case = _one_task_case(tmp_path, live=True)
    rows = []
    for _ in range(3):
        tasks = engine.list_tasks(case_id=case.id)
        if not tasks:
            break
        clock.now += timedelta(days=1)
        form = engine.get_form(tasks[0].id)
        engine.complete_task(tasks[0].id, FormDataGenerator(random.Random(1), clock.now.date()).generate(
            form.schema or {}))
        rows.append(_row(engine, case.id))
    assert len(rows) >= 2
    assert rows[0][1] is not None  # the first completion only appended its event
    assert rows[1][1] is None and rows[1][0] != rows[0][0]  # the second reached N: the whole workflow again
    assert all(r.ok for r in engine.verify_cases([case.id], jobs=1))


def test_a_snapshot_pointer_moved_by_hand_is_a_verify_finding(tmp_path):
    engine, clock, case = _one_task_case(tmp_path, live=False)
    clock.now += timedelta(days=1)
    (task,) = engine.list_tasks(case_id=case.id)
    engine.complete_task(task.id, {"naam": "Jan"})
    _stored, snapshot_seq, _last = _row(engine, case.id)
    assert snapshot_seq is not None
    with engine.db.transaction() as session:  # as an insider would: pretend the completion is not applied yet
        session.execute(update(Case).where(Case.id == case.id).values(snapshot_seq=snapshot_seq + 5))
    (result,) = engine.verify_cases([case.id], jobs=1)
    assert not result.ok and any(f.kind == "state_mismatch" for f in result.findings)


def test_a_case_whose_snapshot_does_not_restore_is_refused_with_a_clear_message(tmp_path, capsys):
    from cli import Cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    cli = Cli(capsys, url)
    cli.ok("deploy", str(LIFECYCLE))
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 30}',
                     now="2026-03-02T09:00:00+00:00")["case_id"]
    (task,) = cli.ok("tasks", "--case", case_id)
    cli.ok("complete", task["id"], "--data", '{"naam": "Jan"}', now="2026-03-03T09:00:00+00:00")
    engine = _engine(url, Clock(), live=False)
    _stored, snapshot_seq, _last = _row(engine, case_id)
    with engine.db.transaction() as session:  # the completion's event re-applied twice: it cannot be
        session.execute(update(Case).where(Case.id == case_id).values(snapshot_seq=snapshot_seq - 1))
    result = cli("show", case_id, "--json")
    assert result.code == 1 and "cannot be restored" in result.err and "audit verify" in result.err
