"""The tamper sweep of issue 13 on a database: (a) a not-yet-run script edited in a version's stored
specs, (b) a forged erasure (tests/test_audit_verify.py), (c) a case's whole history rewritten with
re-computed hashes: verify names (a), and an anchor taken before the rewrite names (c)."""
from __future__ import annotations

import json
from pathlib import Path

from audit_support import sql
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from engine.audit import chain, rowhash
from engine.store.tables import Case, Event, Installation, WorkItem

HERE = Path(__file__).parent
PRIVACY = HERE / "bpmn" / "privacy"
T0 = "2026-03-02T10:00:00+01:00"


def _case(cli, name="Hamid Karimi", bsn="111222333", close=False) -> str:
    data = json.dumps({"naam": name, "bsn": bsn})
    case_id = cli.ok("start", "privacy", "--gemeente", "GM0363", "--data", data, now=T0)["case_id"]
    if close:
        task = cli.ok("tasks", "--case", case_id)[0]["id"]
        cli.ok("complete", task, "--data", '{"resultaat": "voldaan"}', now="2026-03-03T10:00:00+01:00")
    return case_id


def _findings(cli, now="2026-03-04T10:00:00+01:00"):
    report = cli("audit", "verify", "--all", "--json", now=now).json
    return {c["case_id"]: [(f["kind"], f["message"]) for f in c["findings"]] for c in report["cases"]}


def test_a_script_edited_in_the_stored_specs_is_reported(cli, db_url):
    cli.ok("deploy", str(PRIVACY), now=T0)
    waiting = _case(cli)  # waits at Besluit: the script after it has not run
    assert _findings(cli) == {waiting: []}
    (specs,) = sql(db_url, "SELECT specs FROM definition_versions WHERE process_id = 'privacy'")[0]
    specs = json.loads(specs) if isinstance(specs, str) else specs
    task = specs["spec"]["task_specs"]["Task_afronden"]
    task["script"] = 'afgerond = True  # whatever the outcome'
    sql(db_url, "UPDATE definition_versions SET specs = :s WHERE process_id = 'privacy'", s=json.dumps(specs))
    found = _findings(cli)[waiting]
    assert [kind for kind, _ in found] == ["altered_definition"]
    assert "privacy:1" in found[0][1] and "stored specs" in found[0][1]


def _rewrite_actor(db_url: str, case_id: str, actor: str) -> None:
    """Change who did every event of a case and recompute the whole chain, the case row's anchor and its
    row hash with the installation's audit key: what an insider with the database can do."""
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():
        key = bytes.fromhex(session.get(Installation, "audit_key").value)
        prev = chain.GENESIS
        for event in session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)):
            event.actor, event.prev_hash = actor, prev
            event.hash = prev = chain.event_hash(
                prev_hash=prev, case_id=case_id, seq=event.seq, type=event.type, task=event.task, actor=actor,
                at=event.at, definition_id=event.definition_id, payload_digest=event.payload_hash,
                state_digest=event.state_digest, key=key)
        case = session.get(Case, case_id)
        case.last_event_hash = prev
        items = session.scalars(select(WorkItem).where(WorkItem.case_id == case_id)).all()
        case.row_hash = rowhash.row_hash(key, case, items)
    engine.dispose()


def test_a_rewritten_history_passes_verify_but_not_the_anchor(cli, db_url, tmp_path):
    cli.ok("deploy", str(PRIVACY), now=T0)
    rewritten, untouched = _case(cli, close=True), _case(cli, "Sara Bakker", "123456782")
    anchor_file = tmp_path / "anchor.json"
    taken = cli.ok("audit", "anchor", "--out", str(anchor_file), now="2026-03-04T10:00:00+01:00")
    assert taken["cases"] == 2 and len(taken["root"]) == 64
    assert cli("audit", "verify", "--anchor", str(anchor_file), now="2026-03-04T11:00:00+01:00").code == 0
    # later work on a case is no change to its history before the anchor
    cli.ok("notitie", untouched, "Belt terug", now="2026-03-05T10:00:00+01:00")

    _rewrite_actor(db_url, rewritten, "iemand-anders")
    assert _findings(cli, "2026-03-06T10:00:00+01:00") == {rewritten: [], untouched: []}  # verify is fooled
    result = cli("audit", "verify", "--anchor", str(anchor_file), "--json", now="2026-03-06T10:00:00+01:00")
    assert result.code == 1
    assert [c.get("case") for c in result.json["changed"]] == [rewritten]

    leaves = json.loads(anchor_file.read_text())
    leaves["leaves"][0]["head"] = "0" * 64  # an anchor file edited to match is refused by its own root
    anchor_file.write_text(json.dumps(leaves))
    result = cli("audit", "verify", "--anchor", str(anchor_file), "--json", now="2026-03-06T10:00:00+01:00")
    assert result.code == 1 and "do not hash to its root" in result.json["changed"][0]["message"]
