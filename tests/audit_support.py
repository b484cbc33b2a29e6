"""Databases with real case histories for the audit tests, filled through the CLI, and ways to tamper
with them the way someone with database access would (plain SQL, outside the engine)."""
from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.cli import main

from cli import Result
from conftest import TESTS

LIFECYCLE = TESTS / "bpmn" / "lifecycle"
INCIDENT = TESTS / "bpmn" / "incident"
T0 = "2026-03-02T09:00:00+01:00"


@dataclass
class Filled:
    full: str  # aanvraag run to completion: 6 events
    partial: str  # intake done, workshop claimed and released: 4 events
    incident: str  # a completion that failed (rolled back), then one that worked: 4 events


def fill(cli) -> Filled:
    """Three cases: one complete (with a timer), one half-way with a claim, one with an incident."""
    cli.known("kees")
    cli.ok("deploy", str(LIFECYCLE), now=T0)
    cli.ok("deploy", str(INCIDENT), now=T0)
    full = _start(cli, 34, "GM0363")
    cli.ok("complete", _task(cli, full), "--data", '{"naam": "Fatima el Amrani", "datum": "2026-03-02"}',
           now="2026-03-02T10:00:00+01:00")
    cli.ok("complete", _task(cli, full), now="2026-03-03T11:00:00+01:00", user="kees")
    cli.ok("worker", "--once", now="2026-03-17T12:00:00+01:00")
    cli.ok("complete", _task(cli, full), "--data", '{"akkoord": true}', now="2026-03-18T14:00:00+01:00")

    partial = _start(cli, 19, "GM0344")
    cli.ok("complete", _task(cli, partial), "--data", '{"naam": "Noor Bakker", "bsn": "123456782"}',
           now="2026-03-04T10:00:00+01:00")
    workshop = _task(cli, partial)
    cli.ok("claim", workshop, now="2026-03-05T09:00:00+01:00", user="kees")
    cli.ok("release", workshop, now="2026-03-05T09:05:00+01:00", user="kees")

    incident = cli.ok("start", "incident", "--gemeente", "GM0363", now=T0)["case_id"]
    task = _task(cli, incident)
    assert cli("complete", task, "--data", '{"deler": 0}', now="2026-03-06T10:00:00+01:00").code == 1
    cli.ok("complete", task, "--data", '{"deler": 4}', now="2026-03-06T10:05:00+01:00")
    return Filled(full, partial, incident)


class QuietCli:
    """Like tests/cli.Cli, without capsys: for databases built once per test session."""

    def __init__(self, db_url: str, user: str = "tester"):
        from grants import grant_test_user

        self.db_url, self.user = db_url, user
        grant_test_user(db_url, user)

    def __call__(self, *args: str, now: str | None = None, user: str | None = None) -> Result:
        from grants import TEST_POLICY_PATH

        argv = ["--db", self.db_url, "--user", user or self.user, "--policy", str(TEST_POLICY_PATH)]
        argv += ["--now", now] if now else []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv + list(args))
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str, **kwargs):
        result = self(*args, "--json", **kwargs)
        assert result.code == 0, f"{args} exited {result.code}: {result.err}"
        return result.json

    def known(self, *users: str) -> None:
        from grants import grant_test_user

        for user in users:
            grant_test_user(self.db_url, user)


def sqlite_copy(source: Path, target: Path) -> str:
    """A consistent copy of a SQLite database (the backup API also takes what is still in the WAL)."""
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def _start(cli, age: int, gemeente: str) -> str:
    return cli.ok("start", "aanvraag", "--gemeente", gemeente, "--data", f'{{"leeftijd": {age}}}', now=T0)["case_id"]


def _task(cli, case_id: str) -> str:
    tasks = cli.ok("tasks", "--case", case_id)
    assert len(tasks) == 1, tasks
    return tasks[0]["id"]


def sql(db_url: str, statement: str, **params) -> list:
    """Run SQL directly on the database, as a tamperer would."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def variant_with_extra_task(folder: Path) -> Path:
    """A copy of the lifecycle processes where aanvraag has an extra user task after the intake."""
    target = folder / "variant"
    shutil.copytree(LIFECYCLE, target)
    path = target / "aanvraag.bpmn"
    source = path.read_text()
    source = source.replace(
        '<bpmn:flowNodeRef>Task_intake</bpmn:flowNodeRef>',
        '<bpmn:flowNodeRef>Task_intake</bpmn:flowNodeRef>\n        <bpmn:flowNodeRef>Task_extra</bpmn:flowNodeRef>')
    source = source.replace(
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_intake" targetRef="Script_score" />',
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_intake" targetRef="Task_extra" />\n'
        '    <bpmn:sequenceFlow id="Flow_2b" sourceRef="Task_extra" targetRef="Script_score" />')
    source = source.replace(
        '<bpmn:incoming>Flow_2</bpmn:incoming>\n      <bpmn:outgoing>Flow_3</bpmn:outgoing>',
        '<bpmn:incoming>Flow_2b</bpmn:incoming>\n      <bpmn:outgoing>Flow_3</bpmn:outgoing>')
    source = source.replace(
        '    <bpmn:scriptTask id="Script_score"',
        '    <bpmn:userTask id="Task_extra" name="Extra controle">\n'
        '      <bpmn:incoming>Flow_2</bpmn:incoming>\n      <bpmn:outgoing>Flow_2b</bpmn:outgoing>\n'
        '    </bpmn:userTask>\n    <bpmn:scriptTask id="Script_score"')
    assert source.count("Task_extra") == 4 and "Flow_2b" in source
    path.write_text(source)
    return target
