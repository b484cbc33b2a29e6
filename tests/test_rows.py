"""The Core write path of the case commands (engine/store/rows.py): what it writes is what the ORM wrote,
and a case row written by someone else since it was read is a Conflict, not a lost update."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.errors import Conflict
from engine.store import rows
from engine.store.tables import Case, WorkItem

from conftest import TESTS

LIFECYCLE = TESTS / "bpmn" / "lifecycle"


def _started(make_engine):
    engine = make_engine(now="2026-01-05T09:00:00Z")
    engine.deploy([LIFECYCLE])
    case = engine.start_case("aanvraag", "GM0363", {"leeftijd": 20})
    return engine, case


def _read(session, case_id):
    conn = session.connection()
    case = rows.CaseRow(conn.execute(select(rows.CASES).where(rows.CASES.c.id == case_id)).mappings().one())
    items = {r["id"]: rows.ItemRow(r) for r in
             conn.execute(select(rows.WORK_ITEMS).where(rows.WORK_ITEMS.c.case_id == case_id)).mappings()}
    return case, items


def test_a_case_row_changed_since_it_was_read_is_a_conflict_and_nothing_is_written(make_engine):
    engine, started = _started(make_engine)
    with engine.db.transaction() as session:
        case, _ = _read(session, started.id)
        # Someone else's write in between (the lock normally prevents it; the version check stays).
        session.connection().execute(update(rows.CASES).where(rows.CASES.c.id == started.id)
                                     .values(lock_version=rows.CASES.c.lock_version + 1))
        case.stage = "elsewhere"
        with pytest.raises(Conflict, match="changed by someone else"):
            rows.write_case(session.connection(), case)
    with engine.db.transaction() as session:
        assert session.get(Case, started.id).stage != "elsewhere"


def test_only_changed_columns_are_written_and_the_version_goes_up(make_engine):
    engine, started = _started(make_engine)
    with engine.db.transaction() as session:
        case, _ = _read(session, started.id)
        version = case.lock_version
        case.stage = "ergens"
        assert case.changes() == {"stage": "ergens"}
        rows.write_case(session.connection(), case)
        assert case.lock_version == version + 1 and case.changes() == {}
    with engine.db.transaction() as session:
        stored = session.get(Case, started.id)
        assert (stored.stage, stored.lock_version) == ("ergens", version + 1)


def test_work_items_are_updated_in_place_inserted_and_deleted(make_engine):
    engine, started = _started(make_engine)
    with engine.db.transaction() as session:
        case, read = _read(session, started.id)
        (first,) = read.values()
        old_id = first.id
        first.id, first.title = "reused-row", "Volgende taak"  # a finished task's row becomes the next's
        extra = rows.ItemRow.new(**{**first.values(), "id": "new-row", "title": "Nieuwe taak"})
        rows.write_items(session.connection(), read, [first, extra])
    with engine.db.transaction() as session:
        stored = {i.id: i.title for i in session.scalars(select(WorkItem).where(WorkItem.case_id == started.id))}
        assert stored == {"reused-row": "Volgende taak", "new-row": "Nieuwe taak"}
        assert session.get(WorkItem, old_id) is None
    with engine.db.transaction() as session:
        case, read = _read(session, started.id)
        rows.write_items(session.connection(), read, [read["new-row"]])  # the other one finished
    with engine.db.transaction() as session:
        assert [i.id for i in session.scalars(select(WorkItem).where(WorkItem.case_id == started.id))] == ["new-row"]
