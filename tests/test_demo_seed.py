"""`traject demo`: seeded relative to the clock, so the worklist looks like a working day whenever it
runs, and a second run says what it does instead of silently adding to (or mixing) the demo."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.cli import main

DUE_SOON = timedelta(days=3)


def seed(url: str, now: str, *extra: str, capsys) -> str:
    capsys.readouterr()
    assert main(["--db", url, "--user", "tester", "--now", now, "demo", "--people", "24", *extra]) == 0
    return capsys.readouterr().out


def task_spread(cli, now: str) -> tuple[int, int, int]:
    """(open tasks, overdue, due within three days) as the worklist shows them at `now`."""
    moment = datetime.fromisoformat(now)
    dues = [datetime.fromisoformat(t["due"]) for t in cli.ok("tasks", "--limit", "500", now=now) if t["due"]]
    total = len(cli.ok("tasks", "--limit", "500", now=now))
    overdue = sum(due < moment for due in dues)
    soon = sum(moment <= due <= moment + DUE_SOON for due in dues)
    return total, overdue, soon


@pytest.mark.parametrize("now", ["2026-12-02T09:00:00+01:00", "2031-06-16T14:00:00+02:00"])
def test_demo_tasks_are_mostly_new_or_due_soon_on_any_clock(cli, db_url, capsys, now):
    out = seed(db_url, now, capsys=capsys)
    assert "24 cases" in out and "anna (klantmanager)" in out and "bram (coordinator)" in out
    total, overdue, soon = task_spread(cli, now)
    assert total >= 15
    assert 0 < overdue < total / 4, (total, overdue)  # a few overdue, as on a real day, not a wall of "!"
    assert soon > 0 and total - overdue - soon > 0  # due soon and new work too


def test_demo_users_per_role_exist(cli, db_url, capsys):
    seed(db_url, "2026-12-02T09:00:00+01:00", capsys=capsys)
    users = {u["name"]: u for u in cli.ok("users", "list")}
    assert users["anna"]["roles"] == ["klantmanager"]
    assert users["bram"]["roles"] == ["coordinator"]
    assert "uitvoerder" in users["chris"]["roles"]
    assert users["dewi"]["roles"] == ["auditor"]


def test_a_second_demo_run_keeps_the_data_and_says_so(cli, db_url, capsys):
    now = "2026-12-02T09:00:00+01:00"
    seed(db_url, now, capsys=capsys)
    before = cli.ok("tasks", "--limit", "500", now=now)
    out = seed(db_url, now, capsys=capsys)
    assert "kept" in out and "--fresh" in out
    assert cli.ok("tasks", "--limit", "500", now=now) == before


def test_demo_fresh_replaces_instead_of_mixing(cli, db_url, capsys):
    seed(db_url, "2026-06-01T09:00:00+02:00", capsys=capsys)
    out = seed(db_url, "2026-12-02T09:00:00+01:00", "--fresh", capsys=capsys)
    assert "replaced 24 earlier cases" in out
    total, overdue, _ = task_spread(cli, "2026-12-02T09:00:00+01:00")
    assert overdue < total / 4  # nothing left over from the June seed
    assert len(cli.ok("processes")) == len({p["process_id"] for p in cli.ok("processes")})


def test_the_demo_plans_sessions_ahead_with_room_and_cases_left_to_enrol(cli, db_url, capsys):
    now = "2026-12-02T09:00:00+01:00"
    seed(db_url, now, capsys=capsys)
    sessions = cli.ok("sessions", "list", now=now)
    assert {s["kind"] for s in sessions} == {"workshop", "ceremonie"}
    assert all(datetime.fromisoformat(s["at"]) > datetime.fromisoformat(now) for s in sessions)
    assert all(s["enrolled"] < s["capacity"] for s in sessions)
    assert sum(s["enrolled"] for s in sessions) > 0
    # --fresh replaces the sessions with the cases (their participants named deleted cases)
    seed(db_url, now, "--fresh", capsys=capsys)
    assert len(cli.ok("sessions", "list", now=now)) == len(sessions)
