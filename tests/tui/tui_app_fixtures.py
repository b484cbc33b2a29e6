"""A real SQLite database with cases at several stages, and helpers to drive the whole app in Pilot.

Seeding goes through the Engine with a clock that moves per case and with seeded uuids, so case
ids, due dates and the worklist's order are the same on every run: snapshots stay stable.
"""
from __future__ import annotations

import contextlib
import random
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from textual.widgets import DataTable
from textual.worker import WorkerFailed

from engine import Settings, build_engine
from tui.app import TrajectApp

HERE = Path(__file__).resolve().parent
ZAAK = HERE / "bpmn" / "zaak"
INCIDENT = HERE.parent / "bpmn" / "incident"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the app's engine clock in every test

# name, bsn, gemeente, days before NOW the case started, tasks completed, claimed by
PEOPLE = [
    ("Fatima el Amrani", "111222333", "GM0363", 10, 0, None),  # intake, overdue
    ("Jan de Vries", "444555666", "GM0363", 3, 0, None),  # intake, due in 2 days
    ("Sara Haddad", "777888999", "GM0363", 6, 1, "anna"),  # workshop planning, claimed by anna
    ("Yusuf Demir", "123123123", "GM0344", 4, 0, None),  # another gemeente: not anna's team
    ("Lina Osman", "321321321", "GM0363", 20, 2, None),  # signing: the coordinator's
    ("Omar Haddad", "555666777", "GM0363", 1, 0, "bert"),  # claimed by a colleague
]


class MovingClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextlib.contextmanager
def fixed_uuids(seed: int = 4):
    """Case ids (engine) and task ids (SpiffWorkflow) from a seeded generator instead of uuid4()."""
    rng = random.Random(seed)

    def next_uuid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    with mock.patch("uuid.uuid4", next_uuid), mock.patch("SpiffWorkflow.task.uuid4", next_uuid):
        yield


def seed(db_url: str) -> dict[str, str]:
    """Deploy the test processes, add users anna and bert, start PEOPLE's cases. Returns name -> case id.
    Each person acts through their own Engine, as they would in the app (rights are checked per user)."""
    clock = MovingClock(NOW - timedelta(days=30))
    engines = {name: build_engine(Settings(db_url=db_url, user=name), clock=clock) for name in ("seed", "anna", "bert")}
    engine = engines["seed"]
    cases: dict[str, str] = {}
    with fixed_uuids():
        engine.add_user("seed", ["beheerder", "ontwerper"], everywhere=True)
        engine.deploy([ZAAK, INCIDENT])
        engine.add_user("seed", ["klantmanager"], ["GM0363", "GM0344"])
        engine.add_user("anna", ["klantmanager"], ["GM0363"])
        engine.add_user("bert", ["klantmanager", "coordinator"], ["GM0363", "GM0344"])
        engine.add_user("olga", ["auditor"], ["GM0363", "GM0344"])  # an auditor: read-only, no worklist
        engine.add_user("kim", ["klantmanager", "auditor"], ["GM0363"])
        engine.add_user("vwn1", ["uitvoerder:vwn"], ["GM0363"])  # an outside executor (TUI_POLICY: its lanes)
        for index, (name, bsn, gemeente, days, steps, claimer) in enumerate(PEOPLE):
            clock.now = NOW - timedelta(days=days, minutes=index)
            data = {"naam": name, "bsn": bsn, "datum_vestiging": "2025-11-15"}
            case = engine.start_case("tui_zaak", gemeente, data)
            cases[name] = case.id
            for step in range(steps):
                clock.now += timedelta(hours=1)
                task = engine.list_tasks(case_id=case.id)[0]
                engines["anna" if gemeente == "GM0363" else "bert"].complete_task(task.id, STEP_DATA[step])
            if claimer:
                engines[claimer].claim_task(engine.list_tasks(case_id=case.id)[0].id)
        clock.now = NOW - timedelta(days=8)
        broken = engine.start_case("incident", "GM0363", {"naam": "Eva Jansen", "bsn": "999888777", "deler": 0})
        cases["Eva Jansen"] = broken.id
        clock.now += timedelta(hours=2)
        engines["anna"].complete_task(engine.list_tasks(case_id=broken.id)[0].id, {})  # script fails
    for each in engines.values():
        each.db.dispose()
    return cases


STEP_DATA = [{"voertaal": "Arabisch", "aantal_sessies": 2}, {"workshop_datum": "2026-03-20"}]


# VluchtelingenWerk does the klantmanager's work under a processing agreement (as in variant B).
TUI_POLICY = Path(tempfile.mkdtemp(prefix="traject-tui-policy-")) / "policy.toml"
TUI_POLICY.write_text('[organisations.vwn]\nlanes = ["klantmanager"]\n', encoding="utf-8")


def make_app(db_url: str, user: str = "anna", language: str = "nl") -> TrajectApp:
    engine = build_engine(Settings(db_url=db_url, user=user, now=NOW, language=language, policy_path=TUI_POLICY))
    return TrajectApp(engine)


async def settle(pilot, rounds: int = 20) -> None:
    """Wait until every engine call (thread worker) has finished and its result is on screen."""
    app = pilot.app
    quiet = 0
    for _ in range(rounds):  # until two rounds in a row find no worker: a result may start another
        with contextlib.suppress(WorkerFailed):  # a failed engine call: the app shows it in the modal
            await app.workers.wait_for_complete()
        await pilot.pause()
        quiet = 0 if any(not worker.is_finished for worker in app.workers) else quiet + 1
        if quiet >= 2:
            break
    for _ in range(rounds):  # a DataTable sizes its columns and rows when idle
        if not any(table._require_update_dimensions for table in app.screen.query(DataTable)):
            break
        await pilot.pause(0.02)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.05)  # focus and hover styles land a refresh later on a busy machine
    await pilot.pause()
    for widget in app.screen.query("Input, TextArea").results():
        widget.cursor_blink = False  # a blinking cursor makes screenshots differ from run to run


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


def table_rows(table) -> list[list[str]]:
    """The cells of a DataTable as plain text, row by row."""
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
