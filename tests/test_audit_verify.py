"""`traject audit verify`: intact histories pass; any edit, deletion or reordering of an event row made
directly in the database is flagged, naming the case and the event. SQLite and PostgreSQL."""
from __future__ import annotations

import json
import os

import pytest
from audit_support import QuietCli, fill, sql, sqlite_copy

from engine.audit import chain
from engine.service import build_engine
from engine.settings import Settings

from cli import Cli


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """The three cases are built once; each SQLite test tampers with its own copy."""
    path = tmp_path_factory.mktemp("audit") / "template.db"
    with pytest.MonkeyPatch.context() as patch:  # clean_environment is per test: clear TRAJECT_* here too
        for name in [n for n in os.environ if n.startswith("TRAJECT_")]:
            patch.delenv(name)
        return path, fill(QuietCli(f"sqlite:///{path}"))


@pytest.fixture
def database(db_url, sqlite_template, tmp_path):
    """(url, filled cases): a copy of the template on SQLite, a freshly filled schema on PostgreSQL."""
    if db_url.startswith("sqlite"):
        path, filled = sqlite_template
        return sqlite_copy(path, tmp_path / "copy.db"), filled
    return db_url, fill(QuietCli(db_url))


@pytest.fixture
def db(database):
    return database[0]


@pytest.fixture
def filled(database):
    return database[1]


@pytest.fixture
def cli(capsys, db):
    return Cli(capsys, db)


def findings(cli, *case_ids):
    result = cli("audit", "verify", *(case_ids or ["--all"]), "--json")
    report = result.json
    assert result.code == (0 if report["ok"] else 1)
    return {c["case_id"]: [(f["kind"], f["seq"]) for f in c["findings"]] for c in report["cases"]}


def only_case_flagged(cli, case_id) -> list:
    by_case = findings(cli)
    assert [c for c, found in by_case.items() if found] == [case_id], by_case
    return by_case[case_id]


def test_intact_histories_verify(cli, filled):
    result = cli("audit", "verify", "--all")
    assert result.code == 0, result.out
    # Each line: case id, ok, then the person (masked BSN) and gemeente.
    lines = [line.split("  ") for line in result.out.strip().split("\n")]
    assert sorted(line[:2] for line in lines) == sorted([[filled.full, "ok"], [filled.partial, "ok"],
                                                          [filled.incident, "ok"]])
    assert all(line[-1].startswith("GM") for line in lines), lines
    assert "Noor Bakker ******782" in result.out and "123456782" not in result.out
    assert "3 case(s), 14 event(s)" in result.err
    report = cli.ok("audit", "verify", filled.full)
    assert report["summary"]["events"] == 6 and report["cases"][0]["ok"] is True


def test_altered_payload(cli, db, filled):
    sql(db, "UPDATE events SET data = :data WHERE case_id = :c AND seq = 2", c=filled.full,
        data='{"task_id": "x", "data": {"naam": "Iemand Anders", "datum": "2026-03-02"}}')
    found = only_case_flagged(cli, filled.full)
    assert ("altered_payload", 2) in found
    assert ("replay_divergence", 2) in found  # the altered data also changes what the replay produces


def test_payload_rewritten_with_new_hashes_breaks_the_link(cli, db, filled):
    """A tamperer who recomputes the payload hash and the event hash still breaks the next link."""
    (row,) = sql(db, "SELECT * FROM events WHERE case_id = :c AND seq = 2", c=filled.full)
    data = {"task_id": row.task_id, "data": {"naam": "Iemand Anders", "datum": "2026-03-02"}}
    payload = chain.payload_hash(data)
    at = build_engine(Settings(db_url=db)).show_case(filled.full).events[1].at
    new_hash = chain.event_hash(prev_hash=row.prev_hash, case_id=filled.full, seq=2, type=row.type, task=row.task,
                                actor=row.actor, at=at, definition_id=row.definition_id, payload_digest=payload,
                                state_digest=row.state_digest)
    sql(db, "UPDATE events SET data = :d, payload_hash = :p, hash = :h WHERE case_id = :c AND seq = 2",
        d=json.dumps(data), p=payload, h=new_hash, c=filled.full)
    found = only_case_flagged(cli, filled.full)
    assert ("broken_link", 3) in found
    assert ("replay_divergence", 2) in found


@pytest.mark.parametrize("seq", [3, 4])
def test_deleted_event_in_the_middle(cli, db, filled, seq):
    sql(db, "DELETE FROM events WHERE case_id = :c AND seq = :s", c=filled.full, s=seq)
    found = only_case_flagged(cli, filled.full)
    assert found[0] == ("missing_event", seq)
    assert ("broken_link", seq + 1) not in found  # the gap is reported once, not as a cascade


def test_deleted_last_event(cli, db, filled):
    sql(db, "DELETE FROM events WHERE case_id = :c AND seq = 6", c=filled.full)
    assert only_case_flagged(cli, filled.full) == [("missing_event", 6)]


def test_deleted_last_two_events_of_a_running_case(cli, db, filled):
    sql(db, "DELETE FROM events WHERE case_id = :c AND seq >= 3", c=filled.partial)
    found = only_case_flagged(cli, filled.partial)
    assert found[0] == ("missing_event", 3)


def test_swapped_seq(cli, db, filled):
    for statement in ("UPDATE events SET seq = 100 WHERE case_id = :c AND seq = 2",
                      "UPDATE events SET seq = 2 WHERE case_id = :c AND seq = 3",
                      "UPDATE events SET seq = 3 WHERE case_id = :c AND seq = 100"):
        sql(db, statement, c=filled.full)
    found = only_case_flagged(cli, filled.full)
    assert ("reordered_event", 2) in found and ("reordered_event", 3) in found
    result = cli("audit", "verify", filled.full)
    assert "event 2: reordered event: the event recorded as number 3 is stored as number 2" in result.out


@pytest.mark.parametrize("column, value", [
    ("actor", "mallory"),
    ("at", "2026-03-01 08:00:00"),
    ("task", "Task_review"),
    ("state_digest", "0" * 64),
])
def test_changed_event_fields(cli, db, filled, column, value):
    sql(db, f"UPDATE events SET {column} = :v WHERE case_id = :c AND seq = 2", v=value, c=filled.full)
    found = only_case_flagged(cli, filled.full)
    assert found[0] == ("altered_event", 2)
    result = cli("audit", "verify", "--all")
    assert result.code == 1
    assert f"{filled.full}  FAILED  Fatima el Amrani  GM0363\n  event 2: altered event:" in result.out


def test_deleted_case_row_and_altered_stored_state(cli, db, filled):
    (other,) = sql(db, "SELECT workflow FROM cases WHERE id = :c", c=filled.partial)
    sql(db, "UPDATE cases SET workflow = :w WHERE id = :c", w=other.workflow, c=filled.full)
    assert only_case_flagged(cli, filled.full) == [("state_mismatch", None)]
    sql(db, "DELETE FROM work_items WHERE case_id = :c", c=filled.partial)
    sql(db, "DELETE FROM cases WHERE id = :c", c=filled.partial)
    assert ("missing_case", None) in findings(cli)[filled.partial]


def test_an_erased_payload_keeps_the_chain_valid(cli, db, filled):
    """Privacy erasure: data NULL plus a chained payload_erased event; the payload hash stands."""
    from engine.store import repo

    engine = build_engine(Settings(db_url=db))
    sql(db, "UPDATE events SET data = NULL WHERE case_id = :c AND seq = 2", c=filled.partial)
    assert only_case_flagged(cli, filled.partial)[0] == ("altered_payload", 2)  # not without the marker
    with engine.db.transaction() as session:
        repo.case_for_update(session, filled.partial)
        repo.append_event(session, case_id=filled.partial, type="payload_erased", at=engine.clock(),
                          actor="privacy-officer", definition_id=None, data={"seqs": [2]})
    report = cli.ok("audit", "verify", filled.partial)["cases"][0]
    assert report["ok"] and "event 2: the payload was erased" in report["notes"][0]
    engine.db.dispose()


def test_unknown_case_and_missing_arguments(cli, filled):
    assert cli("audit", "verify", "no-such-case").code == 2
    assert cli("audit", "verify").code == 2
    assert cli("audit", "verify", filled.full, "--all").code == 2


def test_engine_api_returns_frozen_views(cli, db, filled):
    engine = build_engine(Settings(db_url=db))
    seen = []
    results = engine.verify_cases([filled.incident, filled.full], progress=lambda *a: seen.append(a))
    assert [r.case_id for r in results] == [filled.incident, filled.full]
    assert all(r.ok for r in results) and seen[-1] == (2, 2, 10)
    with pytest.raises(AttributeError):
        results[0].ok = False
    engine.db.dispose()


def test_worker_processes_give_the_same_results(cli, db, filled):
    if not db.startswith("sqlite"):
        pytest.skip("one database kind is enough for the process pool")
    sql(db, "UPDATE events SET actor = 'x' WHERE case_id = :c AND seq = 3", c=filled.full)
    engine = build_engine(Settings(db_url=db))
    alone = engine.verify_cases(jobs=1)
    assert engine.verify_cases(jobs=2) == alone
    assert [r.ok for r in alone].count(False) == 1
    engine.db.dispose()


def test_real_clock_cases_replay(capsys, db_url):
    """Without --now every command reads the wall clock once; timers and the recorded time agree."""
    cli = Cli(capsys, db_url)
    from audit_support import LIFECYCLE

    cli.ok("deploy", str(LIFECYCLE))
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 40}')["case_id"]
    for data in ('{"naam": "Sam"}', "{}"):
        cli.ok("complete", cli.ok("tasks", "--case", case_id)[0]["id"], "--data", data)
    assert cli.ok("show", case_id)["waiting_timers"]  # the 14-day timer, computed from the real clock
    assert findings(cli) == {case_id: []}


@pytest.mark.parametrize("column, value, kind", [
    ("data", "{not json", "altered_payload"),
    ("at", "yesterday", "altered_event"),
])
def test_unparsable_values_are_findings_not_crashes(cli, db, filled, column, value, kind):
    if not db.startswith("sqlite"):
        pytest.skip("PostgreSQL refuses to store these")
    sql(db, f"UPDATE events SET {column} = :v WHERE case_id = :c AND seq = 2", v=value, c=filled.full)
    assert only_case_flagged(cli, filled.full)[0] == (kind, 2)
    assert cli("audit", "replay", filled.full).code == 1
    assert cli("audit", "export", "--out", "log.xes").code == 0
