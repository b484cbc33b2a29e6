"""Issue 13 "Done when", on the shipped processes: a demo database eight years on, `purge --due`, and no
table or column of it (SQLite, and PostgreSQL where TRAJECT_TEST_PG_URL is set) holds an erased
person's name or BSN, while the people whose cases are still within their term are all still there."""
from __future__ import annotations

from privacy_support import rows_containing
from sqlalchemy import create_engine, text

NOW = "2026-12-02T09:00:00+01:00"
LATER = "2034-12-02T09:00:00+01:00"  # eight years on: past every shipped P7Y


def _people(db_url: str) -> dict[str, list[str]]:
    """{case_id: [its person's name and BSN]} as the cases table holds them."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, person_name, bsn FROM cases")).all()
    finally:
        engine.dispose()
    return {r.id: [v for v in (r.person_name, r.bsn) if v] for r in rows}


def test_purge_due_of_the_demo_leaves_no_erased_person_in_any_table(cli, db_url):
    assert cli("demo", "--people", "8", now=NOW).code == 0
    due = {r["case_id"] for r in cli.ok("retention", now=LATER) if r["due"]}
    assert due, "the demo has a closed case to erase"
    people = _people(db_url)
    erased = [v for case_id in due for v in people[case_id]]
    kept = [v for case_id, values in people.items() if case_id not in due for v in values]

    result = cli.ok("purge", "--due", now=LATER)
    assert {r["case_id"] for r in result if r["erased"]} == due
    assert erased and rows_containing(db_url, erased) == []
    assert {n for _table, _column, n in rows_containing(db_url, kept)} == set(kept)  # the others untouched
    assert cli("audit", "verify", "--all", now=LATER).code == 0
