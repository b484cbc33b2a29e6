"""The change feed behind live worklists: one notification per committed command, case id and
gemeente only; nothing for a command that was refused or rolled back."""
from __future__ import annotations

import json

from conftest import TESTS

NACHTWERK = str(TESTS / "bpmn" / "nachtwerk")
DAY0 = "2026-03-02T09:00:00+01:00"


def test_a_committed_command_reaches_the_feed_a_refused_one_does_not(make_engine, db_url):
    engine = make_engine(now=DAY0)
    engine.deploy([NACHTWERK])
    feed = make_engine(now=DAY0, user="kijker").change_feed()
    try:
        assert feed.wait(0.3) == []
        case = engine.start_case("nachtwerk", "GM0363", {"soort": "goed", "naam": "Sanne Visser"})
        changes = feed.wait(2.0)
        assert changes
        if db_url.startswith("postgresql"):
            assert {(c.case_id, c.gemeente) for c in changes} == {(case.id, "GM0363")}
            assert all("Sanne" not in json.dumps(c.__dict__) for c in changes)  # never case data
        else:
            assert changes[0].case_id is None  # SQLite: "something changed", the page reloads
        assert feed.wait(0.3) == []  # nothing more after one command
        try:
            engine.start_case("nachtwerk", "GM0363", {"soort": "goed"}, actor="iemand_anders")
        except Exception:  # noqa: BLE001 - refused (acting as another user): rolled back
            pass
        if db_url.startswith("postgresql"):
            assert feed.wait(0.5) == []
    finally:
        feed.close()
