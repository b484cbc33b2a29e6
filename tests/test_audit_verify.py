"""`traject audit verify`: intact histories pass; any edit, deletion or reordering of an event row made
directly in the database is flagged, naming the case and the event. SQLite and PostgreSQL."""
from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from audit_support import QuietCli, fill, sql, sqlite_copy
from grants import settings_for

from engine.audit import chain
from engine.service import build_engine

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


def audit_key(db) -> bytes:
    """The installation's audit key, as someone who can read the database can read it."""
    (row,) = sql(db, "SELECT value FROM installation WHERE name = 'audit_key'")
    return bytes.fromhex(row.value)


def rehash(db, case_id, seq, key, **changes):
    """Rewrite event `seq` of a case with `changes` and a recomputed hash (keyed when `key` is given)."""
    (row,) = sql(db, "SELECT * FROM events WHERE case_id = :c AND seq = :s", c=case_id, s=seq)
    at = changes.get("at") or build_engine(settings_for(db)).show_case(case_id).events[seq - 1].at
    payload = chain.payload_hash(changes["data"]) if "data" in changes else row.payload_hash
    new_hash = chain.event_hash(prev_hash=row.prev_hash, case_id=case_id, seq=seq, type=row.type, task=row.task,
                                actor=row.actor, at=at, definition_id=row.definition_id, payload_digest=payload,
                                state_digest=row.state_digest, key=key)
    stored_at = at.replace(tzinfo=None) if db.startswith("sqlite") else at
    sql(db, "UPDATE events SET data = :d, payload_hash = :p, hash = :h, at = :at WHERE case_id = :c AND seq = :s",
        d=json.dumps(changes.get("data", row.data if not isinstance(row.data, str) else json.loads(row.data))),
        p=payload, h=new_hash, at=stored_at, c=case_id, s=seq)
    return new_hash


def test_payload_rewritten_with_an_unkeyed_hash_is_an_altered_event(cli, db, filled):
    """Someone with the code but not the installation's key cannot re-sign an event."""
    data = {"task_id": "x", "data": {"naam": "Iemand Anders", "datum": "2026-03-02"}}
    rehash(db, filled.full, 2, None, data=data)
    found = only_case_flagged(cli, filled.full)
    assert ("altered_event", 2) in found and ("replay_divergence", 2) in found


def test_payload_rewritten_with_new_keyed_hashes_breaks_the_link(cli, db, filled):
    """A tamperer who has the key and recomputes the payload and event hash still breaks the next link."""
    (row,) = sql(db, "SELECT task_id FROM events WHERE case_id = :c AND seq = 2", c=filled.full)
    data = {"task_id": row.task_id, "data": {"naam": "Iemand Anders", "datum": "2026-03-02"}}
    rehash(db, filled.full, 2, audit_key(db), data=data)
    found = only_case_flagged(cli, filled.full)
    assert ("broken_link", 3) in found
    assert ("replay_divergence", 2) in found


def test_a_forged_event_appended_with_an_unkeyed_hash(cli, db, filled):
    """Appended after the last event, linked to it and anchored on the case row: only the key is missing."""
    (last,) = sql(db, "SELECT * FROM events WHERE case_id = :c AND seq = 4", c=filled.partial)
    at = datetime(2026, 3, 6, tzinfo=UTC)
    forged = chain.event_hash(prev_hash=last.hash, case_id=filled.partial, seq=5, type="task_claimed",
                              task=last.task, actor="mallory", at=at, definition_id=last.definition_id,
                              payload_digest=chain.payload_hash(None), state_digest=None)
    sql(db, "INSERT INTO events (case_id, seq, type, task, task_id, actor, at, definition_id, data, payload_hash, "
        "state_digest, prev_hash, hash, hash_version) VALUES (:c, 5, 'task_claimed', :t, :tid, 'mallory', :at, :d, "
        "NULL, :p, NULL, :prev, :h, NULL)", c=filled.partial, t=last.task, tid=last.task_id,
        at=at.replace(tzinfo=None) if db.startswith("sqlite") else at, d=last.definition_id,
        p=chain.payload_hash(None), prev=last.hash, h=forged)
    sql(db, "UPDATE cases SET last_event_hash = :h WHERE id = :c", h=forged, c=filled.partial)
    assert ("altered_event", 5) in only_case_flagged(cli, filled.partial)


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


def test_a_payload_erased_outside_traject_purge_is_a_forgery(cli, db, filled):
    """Tamper (b) of issue 13: a payload nulled and a forged, correctly chained `payload_erased` event
    appended (with the audit key) are reported; only `traject purge` erases (tests/test_purge.py)."""
    from engine.store import repo

    engine = build_engine(settings_for(db))
    sql(db, "UPDATE events SET data = NULL WHERE case_id = :c AND seq = 2", c=filled.partial)
    assert only_case_flagged(cli, filled.partial)[0] == ("altered_payload", 2)  # not without the marker
    with engine.db.transaction() as session:
        repo.case_for_update(session, filled.partial)
        repo.append_event(session, case_id=filled.partial, type="payload_erased", at=engine.clock(),
                          actor="privacy-officer", definition_id=None, data={"seqs": [2]})
    flagged = only_case_flagged(cli, filled.partial)
    assert ("altered_payload", 2) in flagged and any(kind == "forged_erasure" for kind, _ in flagged)
    engine.db.dispose()


def test_unknown_case_and_missing_arguments(cli, filled):
    assert cli("audit", "verify", "no-such-case").code == 2
    assert cli("audit", "verify").code == 2
    assert cli("audit", "verify", filled.full, "--all").code == 2


def test_engine_api_returns_frozen_views(cli, db, filled):
    engine = build_engine(settings_for(db))
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
    engine = build_engine(settings_for(db))
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


def test_a_history_whose_times_run_backwards(cli, db, filled):
    """Written by an engine that still took any --now (1970 here), signed, chained and anchored correctly."""
    new_hash = rehash(db, filled.partial, 4, audit_key(db), at=datetime(1970, 1, 1, tzinfo=UTC))
    sql(db, "UPDATE cases SET last_event_hash = :h WHERE id = :c", h=new_hash, c=filled.partial)
    found = only_case_flagged(cli, filled.partial)
    assert ("time_reversed", 4) in found
    assert "time runs backwards" in cli("audit", "verify", filled.partial).out


@pytest.mark.parametrize(("statement", "column"), [
    ("UPDATE cases SET gemeente = 'GM0999' WHERE id = :c", "gemeente"),
    ("UPDATE cases SET status = 'completed' WHERE id = :c", "status"),
    ("UPDATE cases SET bsn = '999999990' WHERE id = :c", "bsn"),
    ("UPDATE work_items SET assignee = 'mallory' WHERE case_id = :c", "work item assignee"),
    ("UPDATE work_items SET role = 'coordinator' WHERE case_id = :c", "work item role"),
    ("DELETE FROM work_items WHERE case_id = :c", "work item deleted"),
])
def test_edits_to_the_case_row_or_its_work_items(cli, db, filled, statement, column):
    sql(db, statement, c=filled.partial)
    found = only_case_flagged(cli, filled.partial)
    assert ("altered_row", None) in found, column
    assert "altered case row" in cli("audit", "verify", filled.partial).out


def test_an_edited_form_schema_of_a_deployed_version(cli, db, filled):
    (row,) = sql(db, "SELECT id, sources FROM definition_versions WHERE process_id = 'aanvraag'")
    sources = row.sources if isinstance(row.sources, dict) else json.loads(row.sources)
    schema = json.loads(sources["intake.schema.json"])
    schema["required"] = []  # nothing required any more
    sources["intake.schema.json"] = json.dumps(schema)
    sql(db, "UPDATE definition_versions SET sources = :s WHERE id = :i", s=json.dumps(sources), i=row.id)
    by_case = findings(cli)
    assert ("altered_definition", 1) in by_case[filled.full] and ("altered_definition", 1) in by_case[filled.partial]
    assert by_case[filled.incident] == []  # another process
    assert "aanvraag:1: its stored files" in cli("audit", "verify", filled.full).out


def test_histories_written_before_the_keyed_chain_still_verify(cli, db, filled):
    """A database from before migration 0005: unkeyed hashes, no row hashes. It verifies as it did, and a
    command on one of its cases continues the chain with keyed events."""
    for case_id in (filled.full, filled.partial, filled.incident):
        times = [e.at for e in build_engine(settings_for(db)).show_case(case_id).events]
        previous = chain.GENESIS
        for row in sql(db, "SELECT * FROM events WHERE case_id = :c ORDER BY seq", c=case_id):
            unkeyed = chain.event_hash(prev_hash=previous, case_id=case_id, seq=row.seq, type=row.type,
                                       task=row.task, actor=row.actor, at=times[row.seq - 1],
                                       definition_id=row.definition_id, payload_digest=row.payload_hash,
                                       state_digest=row.state_digest)
            sql(db, "UPDATE events SET prev_hash = :p, hash = :h, hash_version = NULL WHERE case_id = :c "
                "AND seq = :s", p=previous, h=unkeyed, c=case_id, s=row.seq)
            previous = unkeyed
        sql(db, "UPDATE cases SET last_event_hash = :h, row_hash = NULL WHERE id = :c", h=previous, c=case_id)
    assert all(found == [] for found in findings(cli).values())
    task = cli.ok("tasks", "--case", filled.partial)[0]["id"]
    cli.ok("claim", task, now="2026-03-07T09:00:00+01:00")
    assert all(found == [] for found in findings(cli).values())
    (row,) = sql(db, "SELECT hash_version FROM events WHERE case_id = :c AND seq = 5", c=filled.partial)
    assert row.hash_version == chain.KEYED
    # From there on its row is covered too.
    sql(db, "UPDATE cases SET gemeente = 'GM0999' WHERE id = :c", c=filled.partial)
    assert only_case_flagged(cli, filled.partial) == [("altered_row", None)]


@pytest.mark.parametrize("which", ["partial", "incident"])  # one in the middle of the chain, the newest
def test_a_case_deleted_as_a_whole(cli, db, filled, which):
    case_id = getattr(filled, which)
    sql(db, "DELETE FROM work_items WHERE case_id = :c", c=case_id)
    sql(db, "DELETE FROM events WHERE case_id = :c", c=case_id)
    sql(db, "DELETE FROM cases WHERE id = :c", c=case_id)
    assert only_case_flagged(cli, case_id) == [("missing_case", None)]
    result = cli("audit", "verify", "--all")
    assert result.code == 1 and case_id in result.out and "the whole case was deleted" in result.out
