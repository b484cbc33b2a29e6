"""`traject assign`: a coordinator distributes work ("verdelen/vrijgeven"): several tasks to a colleague
who holds their role in their gemeente, or released, in one command with one event per task."""
from __future__ import annotations

from search_support import LATER, fill_states


def open_tasks(cli):
    return {t["id"]: t for t in cli.ok("tasks", now=LATER)}


def test_assign_several_tasks_to_a_colleague_then_release_them(cli, make_engine):
    fill_states(cli)
    engine = make_engine(now=LATER)
    engine.add_user("anna", ["klantmanager"], ["GM0363", "GM0344"], force=True)
    engine.add_user("bram", ["coordinator"], ["GM0363", "GM0344"])
    ids = list(open_tasks(cli))
    assert len(ids) == 1  # the 'open' case's task (GM0363)
    cli.ok("start", "wachten", "--gemeente", "GM0344", "--data", '{"naam": "Els Bos"}', now=LATER)
    ids = list(open_tasks(cli))
    assert cli.ok("assign", *ids, "--to", "anna", now=LATER, user="bram") == {"assigned": 2, "assignee": "anna"}
    assert {t["assignee"] for t in open_tasks(cli).values()} == {"anna"}
    assert {t["id"] for t in cli.ok("tasks", "--assignee", "anna")} == set(ids)  # anna's "mijn werk"
    for task in open_tasks(cli).values():
        events = [e for e in cli.ok("show", task["case_id"])["events"] if e["type"] == "task_assigned"]
        assert [(e["actor"], e["data"]["assignee"]) for e in events] == [("bram", "anna")]
    assert cli.ok("assign", *ids, "--release", now=LATER, user="bram")["assigned"] == 2
    assert {t["assignee"] for t in open_tasks(cli).values()} == {None}


def test_assigning_to_someone_without_the_role_changes_nothing(cli, make_engine):
    fill_states(cli)
    engine = make_engine(now=LATER)
    engine.add_user("anna", ["klantmanager"], ["GM0363"], force=True)
    engine.add_user("kees", ["trainer"], ["GM0363"], force=True)
    ids = list(open_tasks(cli))
    bad = cli("assign", *ids, "--to", "kees", now=LATER)
    assert bad.code == 2 and "kees may not complete task" in bad.err and "Traceback" not in bad.err
    assert cli("assign", *ids, "--to", "nobody", now=LATER).code == 2
    assert cli("assign", "no-such-task", "--to", "anna", now=LATER).code == 2
    assert {t["assignee"] for t in open_tasks(cli).values()} == {None}
