"""The case's path through its process (`show` → "path", the dossier's Verloop): done, current, and
what comes next, with a gateway's branches said to be possible, not certain; a call activity's steps
nested under it while it runs; a timer the case waits on."""
from __future__ import annotations

from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
T0 = "2026-03-02T09:00:00+01:00"


def path(cli, case_id) -> list[tuple]:
    return [(s["depth"], s["title"], s["state"]) for s in cli.ok("show", case_id)["path"]]


def test_the_path_marks_done_current_and_uncertain_next_steps(cli):
    cli.ok("deploy", LIFECYCLE, now=T0)
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 34}', now=T0)["case_id"]
    first = path(cli, case_id)
    assert first[0] == (0, "Intakegesprek", "current")
    ahead = {title: state for _, title, state in first[1:]}
    # after the gateway "Toegelaten?" nothing is certain: its default flow ends in "Afgewezen"
    assert ahead and set(ahead.values()) <= {"default", "possible"}
    assert ahead.get("Afgewezen") == "default"

    (intake,) = cli.ok("tasks", "--case", case_id)
    cli.ok("complete", intake["id"], "--data", '{"naam": "Fatima el Amrani", "datum": "2026-03-02"}', now=T0)
    assert path(cli, case_id)[:3] == [(0, "Intakegesprek", "done"), (0, "Vervolgtraject", "current"),
                                      (1, "Workshop bijwonen", "current")]

    (workshop,) = cli.ok("tasks", "--case", case_id)
    cli.ok("complete", workshop["id"], now=T0)
    steps = path(cli, case_id)
    assert steps[:3] == [(0, "Intakegesprek", "done"), (0, "Vervolgtraject", "done"),
                         (0, "Twee weken wachten", "waiting")]
    assert (0, "Beoordelen", "next") in steps  # after the timer, certain from the model
    assert [s["kind"] for s in cli.ok("show", case_id)["path"]][:3] == ["task", "part", "wait"]


def test_what_follows_a_parallel_join_shows_once_after_the_branches(cli):
    cli.ok("deploy", str(TESTS / "bpmn" / "vastlopers" / "parallel_timer.bpmn"), now=T0)
    case_id = cli.ok("start", "parallel_timer", "--gemeente", "GM0363", now=T0)["case_id"]
    assert path(cli, case_id) == [(0, "A", "current"), (0, "B", "current"), (0, "C", "next")]

    (a,) = [t for t in cli.ok("tasks", "--case", case_id) if t["task"] == "Task_a"]
    cli.ok("complete", a["id"], now=T0)
    assert path(cli, case_id) == [(0, "A", "done"), (0, "B", "current"), (0, "C", "next")]
