"""Drafts: unsent form input per task and user, stored beside the case, never in its history."""
from __future__ import annotations

import json

import pytest

from engine import NotFound

from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
T0 = "2026-03-02T09:00:00+01:00"


@pytest.fixture
def intake(cli):
    cli.ok("deploy", LIFECYCLE, now=T0)
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 34}', now=T0)["case_id"]
    (task,) = cli.ok("tasks", "--case", case_id)
    return case_id, task["id"]


def test_a_draft_is_kept_per_task_and_user(make_engine, intake):
    _, task_id = intake
    anna, bert = make_engine(now=T0, user="anna"), make_engine(now=T0, user="bert")
    anna.save_draft(task_id, {"naam": "Fatima el A"}, actor="anna")
    assert anna.get_draft(task_id, actor="anna").data == {"naam": "Fatima el A"}
    assert bert.get_draft(task_id, actor="bert") is None
    anna.save_draft(task_id, {"naam": "Fatima el Amrani"}, actor="anna")  # replaced, not added
    assert make_engine(now=T0, user="anna").get_draft(task_id).data == {"naam": "Fatima el Amrani"}
    assert anna.discard_draft(task_id, actor="anna") is True
    assert anna.get_draft(task_id, actor="anna") is None


def test_drafts_are_not_case_data_and_go_when_the_task_completes(cli, make_engine, intake, tmp_path):
    case_id, task_id = intake
    engine, bert = make_engine(now=T0, user="anna"), make_engine(now=T0, user="bert")
    engine.save_draft(task_id, {"naam": "Geheime Conceptnaam"}, actor="anna")
    bert.save_draft(task_id, {"naam": "Nog een concept"}, actor="bert")
    shown = cli.ok("show", case_id)
    assert "Conceptnaam" not in json.dumps(shown)
    engine.export_events(tmp_path / "log.xes")
    assert "Conceptnaam" not in (tmp_path / "log.xes").read_text()
    cli.ok("complete", task_id, "--data", '{"naam": "Fatima el Amrani", "datum": "2026-03-02"}', now=T0)
    assert engine.get_draft(task_id, actor="anna") is None
    assert bert.get_draft(task_id, actor="bert") is None
    with engine.db.transaction() as session:
        from engine.store.tables import Draft

        assert session.query(Draft).count() == 0


def test_a_draft_needs_an_open_task(make_engine, intake):
    with pytest.raises(NotFound):
        make_engine(now=T0, user="anna").save_draft("no-such-task", {}, actor="anna")
