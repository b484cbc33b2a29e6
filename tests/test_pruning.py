"""Finished loop iterations leave the live task tree (engine/pruning.py, issue 14 point 4): a case with a
long loop history stores and walks what a short one does, and its dossier, audit and replay still
count every iteration."""
from __future__ import annotations

from test_live_workflows import Clock, _engine
from test_snapshots import _restored

from engine import instances
from engine.store.tables import Case
from engine.worklist import TaskFilter

from conftest import TESTS


def _complete_open(engine, case_id: str, data: dict):
    (task,) = engine.list_tasks(TaskFilter(case_id=case_id))
    return engine.complete_task(task.id, data)


def _stored_workflow_size(engine, case_id: str) -> int:
    workflow, _seq, _items = _restored(engine, case_id)
    return sum(len(w.tasks) for w in (workflow, *workflow.subprocesses.values()))


def test_a_long_loop_keeps_the_case_as_small_as_a_short_one_and_every_iteration_counted(tmp_path):
    clock = Clock()
    engine = _engine(f"sqlite:///{tmp_path / 'lus.db'}", clock)
    engine.deploy([TESTS / "bpmn" / "lus"])
    case_id = engine.start_case("lus", "GM0363", {}).id
    sizes = {}
    for i in range(1, 61):
        _complete_open(engine, case_id, {"doorgaan": True})
        sizes[i] = _stored_workflow_size(engine, case_id)
    assert sizes[60] == sizes[5], f"the task tree grew with the loop's history: {sizes[5]} -> {sizes[60]} tasks"

    path = {(step.title, step.state): step.times for step in engine.show_case(case_id).path}
    assert path[("Voortgangsgesprek", "done")] == 60
    assert path[("Voortgangsgesprek", "current")] == 1

    # A loop over an embedded subprocess: its finished runs and their called workflows go too.
    _complete_open(engine, case_id, {"doorgaan": False})
    for _ in range(4):
        _complete_open(engine, case_id, {"nog_eens": True})
    workflow, _seq, _items = _restored(engine, case_id)
    assert len(workflow.subprocesses) <= 2, "finished subprocess iterations were kept"
    path = {(step.title, step.state): step.times for step in engine.show_case(case_id).path}
    assert path[("Nazorg", "done")] == 4
    result = _complete_open(engine, case_id, {"nog_eens": False})
    assert result.status == "completed"

    # The recorded state digests still hold on a replay from the first event and on the stored snapshot.
    assert [r.findings for r in engine.verify_cases([case_id], jobs=1) if not r.ok] == []
    with engine.db.transaction(write=False) as session:
        assert session.get(Case, case_id).status == "completed"


def test_the_replay_prunes_as_the_live_engine_does(tmp_path):
    """A one-shot command restores the snapshot and re-applies the events since: the same tree, and the
    same task ids, as the long-running engine that ran them."""
    clock = Clock()
    engine = _engine(f"sqlite:///{tmp_path / 'lus.db'}", clock)
    engine.deploy([TESTS / "bpmn" / "lus"])
    case_id = engine.start_case("lus", "GM0363", {}).id
    for _ in range(13):  # past a full snapshot (every 8th event) and some events beyond it
        _complete_open(engine, case_id, {"doorgaan": True})
    live = engine._live._entries[case_id][2]
    restored, snapshot_seq, items = _restored(engine, case_id)
    assert snapshot_seq is not None, "no event after the last snapshot: the catch-up path did not run"
    assert set(restored.tasks) == set(live.tasks)
    assert instances.state_snapshot(restored) == instances.state_snapshot(live)
    assert {t.id for t in instances.human_tasks(restored)} == items
