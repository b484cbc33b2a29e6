"""`traject audit replay`: the step-by-step listing, reproduced incidents, and `--against` a variant with
an inserted task."""
from __future__ import annotations

import dataclasses

import pytest
from audit_support import variant_with_extra_task
from grants import settings_for

from engine.service import build_engine


def test_listing_shows_each_step(cli, filled):
    report = cli.ok("audit", "replay", filled.full)
    assert report["ok"] and report["replayed_on"] == "aanvraag:1" and report["divergence"] is None
    steps = report["steps"]
    assert [(s["seq"], s["type"], s["task"], s["status"]) for s in steps] == [
        (1, "case_started", None, "ok"),
        (2, "task_completed", "Task_intake", "ok"),
        (3, "task_completed", "Task_workshop", "ok"),
        (4, "timer_fired", None, "ok"),
        (5, "task_completed", "Task_review", "ok"),
        (6, "case_completed", None, "info"),
    ]
    intake = steps[1]
    assert intake["title"] == "Intakegesprek" and intake["actor"] == "tester"
    assert intake["at"] == "2026-03-02T09:00:00+00:00"
    assert (intake["open_before"], intake["open_after"]) == (["Task_intake"], ["Task_workshop"])
    assert intake["diff"]["added"]["naam"] == "Fatima el Amrani"
    assert set(intake["diff"]["added"]) >= {"score", "toegelaten", "opmerking"}  # from script and DMN
    assert steps[2]["actor"] == "kees" and steps[3]["open_after"] == ["Task_review"]
    assert all(s["verified"] for s in steps)


def test_text_listing(cli, filled):
    result = cli("audit", "replay", filled.partial)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:2] == [f"case {filled.partial}", "  aanvraag v1, replayed on aanvraag:1"]
    assert lines[2].split() == ["seq", "at", "actor", "type", "task", "status"]
    intake = lines.index(next(line for line in lines if line.startswith("2 ")))
    assert lines[intake + 1].strip() == "open tasks: Task_intake -> Task_workshop"
    assert "bsn=*****" in lines[intake + 2] and "naam=Noor Bakker" in lines[intake + 2]
    claimed = next(line for line in lines if line.startswith("3 "))
    assert claimed.split()[3:5] == ["kees", "task_claimed"]
    assert lines[-1] == "every step reproduces the recorded state"


def test_an_incident_is_reproduced_and_rolled_back(cli, filled):
    steps = cli.ok("audit", "replay", filled.incident)["steps"]
    failed, incident, retried = steps[1], steps[2], steps[3]
    assert failed["status"] == "ok" and "ZeroDivisionError" in failed["note"]
    assert failed["open_after"] == ["Task_invoer"] and failed["diff"] == {"added": {}, "changed": {}, "removed": {}}
    assert incident["type"] == "incident_raised" and incident["status"] == "info"
    assert retried["open_after"] == ["Task_klaar"] and retried["diff"]["added"]["resultaat"] == 25


def test_against_a_variant_with_an_inserted_task(cli, filled, tmp_path):
    deployed = cli.ok("deploy", str(variant_with_extra_task(tmp_path)))
    assert {d["process_id"]: d["version"] for d in deployed}["aanvraag"] == 2
    result = cli("audit", "replay", filled.full, "--against", "2")
    assert result.code == 1
    assert "replayed on aanvraag:2" in result.out
    assert ("diverges at event 2: open tasks [Task_workshop] as recorded, [Task_extra] on aanvraag:2"
            in result.out)
    report = cli("audit", "replay", filled.full, "--against", "aanvraag:2", "--json").json
    assert report["divergence"]["seq"] == 2 and report["against"] is True
    assert [s["status"] for s in report["steps"]] == ["ok", "diverged"] + ["not_replayed"] * 4
    assert report["steps"][1]["open_after"] == ["Task_extra"] and report["steps"][2]["open_after"] is None
    assert report["verification"]["ok"]  # the case itself is fine
    # A case that never got past the intake replays on the variant without a difference.
    early = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 50}')["case_id"]
    assert cli.ok("audit", "replay", early, "--against", "2")["divergence"] is None


def test_against_the_own_version_and_bad_versions(cli, filled):
    assert cli.ok("audit", "replay", filled.full, "--against", "1")["divergence"] is None
    assert cli("audit", "replay", filled.full, "--against", "9").code == 2
    assert cli("audit", "replay", filled.full, "--against", "aanvraag:x").code == 2
    assert cli("audit", "replay", "no-such-case").code == 2


def test_engine_api(db_url, filled):
    engine = build_engine(settings_for(db_url))
    report = engine.replay_case(filled.partial)
    assert report.ok and report.verification.ok
    step = report.steps[1]
    assert (step.seq, step.type, step.task, step.actor, step.verified) == (2, "task_completed", "Task_intake",
                                                                          "tester", True)
    assert step.diff.keys_text().startswith("+bsn +naam")
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.status = "x"
    engine.db.dispose()


def test_a_tampered_event_shows_in_the_listing(cli, db_url, filled):
    from audit_support import sql

    sql(db_url, "UPDATE events SET actor = 'mallory' WHERE case_id = :c AND seq = 3", c=filled.full)
    report = cli("audit", "replay", filled.full, "--json").json
    assert not report["ok"]
    assert [s["verified"] for s in report["steps"]] == [True, True, False, True, True, True]
    assert report["steps"][2]["findings"][0]["kind"] == "altered_event"


def test_a_case_without_its_start_event_is_listed_unreplayed(cli, db_url, filled):
    from audit_support import sql

    sql(db_url, "DELETE FROM events WHERE case_id = :c AND seq = 1", c=filled.partial)
    report = cli("audit", "replay", filled.partial, "--json").json
    assert [(s["seq"], s["status"]) for s in report["steps"]] == [
        (2, "not_replayed"), (3, "not_replayed"), (4, "not_replayed")]
    kinds = [(f["kind"], f["seq"]) for f in report["verification"]["findings"]]
    assert ("missing_event", 1) in kinds and ("replay_divergence", None) in kinds
