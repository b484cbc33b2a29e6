"""Drive a case of a foreign BPMN process the way a user could, with commands only: complete open
tasks (empty data), deliver the messages it waits for, complete its external tasks, let timers fire.
Used by test_foreign_corpus.py; `outcome` is what the corpus README table shows."""
from __future__ import annotations

from datetime import datetime, timedelta

from engine.service import build_engine
from engine.settings import Settings

START = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
MAX_STEPS = 40


def drive(db_url: str, process_id: str, data: dict | None = None) -> str:
    """'completed', 'waiting: ...' (something a command can move on) or 'incident: ...'."""
    now = START
    engine = _engine(db_url, now)
    case = engine.start_case(process_id, "GM0363", data or {})
    for _ in range(MAX_STEPS):
        detail = engine.show_case(case.id)
        status = detail.summary.status
        if status != "running":
            return "completed" if status == "completed" else f"incident: {detail.incident.message[:120]}"
        if detail.open_tasks:
            engine.complete_task(detail.open_tasks[0].id, {})
            continue
        if not _move(engine, case.id, detail):
            now += timedelta(days=400)  # far enough for every timer in the corpus to be due
            engine.db.dispose()
            engine = _engine(db_url, now)
            if not engine.fire_due_timers(case_id=case.id):
                return "waiting: " + "; ".join(detail.waiting_for or ["nothing (stuck)"])
    return "waiting: still running after " + str(MAX_STEPS) + " steps (a loop)"


def _move(engine, case_id: str, detail) -> bool:
    for what in detail.waiting_for:
        if what.startswith("message '"):
            engine.deliver_message(what.split("'")[1], case_id=case_id)
            return True
    items = engine.list_external_tasks(case_id=case_id)
    if items:
        fetched = engine.fetch_external_tasks(items[0].topic, "corpus")
        engine.complete_external_task(fetched[0].id, {})
        return True
    return False


def _engine(db_url: str, now: datetime):
    from grants import TEST_POLICY_PATH

    return build_engine(Settings(db_url=db_url, user="corpus", now=now, policy_path=TEST_POLICY_PATH))
