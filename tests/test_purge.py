"""Privacy by design (issue 13): BSN formats, retention terms, and erasure with the audit chain intact.
SQLite and PostgreSQL: after `purge --due` eight years on, no table holds the erased person."""
from __future__ import annotations

import json
from pathlib import Path

from privacy_support import rows_containing

from cli import Cli

HERE = Path(__file__).parent
PRIVACY = HERE / "bpmn" / "privacy"
ROOT = HERE.parent
T0 = "2026-03-02T10:00:00+01:00"
LATER = "2034-03-02T10:00:00+01:00"  # eight years on: past the test process's P7Y
NAME, BSN = "Zainab Oudkerk-Tesfaye", "111222333"
OTHER_NAME, OTHER_BSN = "Rutger Vinkeveen", "123456782"


def _start(cli, name=NAME, bsn=BSN, now=T0) -> str:
    data = {"naam": name, "bsn": bsn, "v_nummer": "1234567890", "taalniveau": "A2"}
    return cli.ok("start", "privacy", "--gemeente", "GM0363", "--data", json.dumps(data), now=now)["case_id"]


def _task(cli, case_id) -> str:
    return cli.ok("tasks", "--case", case_id)[0]["id"]


def _closed_case(cli) -> str:
    case_id = _start(cli)
    cli.ok("notitie", case_id, f"{NAME} belt na de vakantie terug", now=T0)
    task = _task(cli, case_id)
    cli.ok("complete", task, "--data", json.dumps({"resultaat": "voldaan", "toelichting": f"{NAME} was er"}),
           now="2026-03-09T10:00:00+01:00")
    return case_id


def test_every_shipped_bsn_field_uses_the_bsn_format():
    fields = 0
    for path in [*ROOT.joinpath("schemas").glob("*.schema.json"), *ROOT.joinpath("processes").rglob("*.schema.json")]:
        properties = json.loads(path.read_text(encoding="utf-8")).get("properties", {})
        for name, spec in properties.items():
            if name == "bsn":
                fields += 1
                assert spec.get("format") == "bsn", path.name
            if name in ("v_nummer", "vnummer"):
                assert spec.get("format") == "vnummer", path.name
    assert fields >= 2


def test_an_invalid_bsn_is_refused_naming_the_field_and_not_the_value(capsys, sqlite_url):
    cli = Cli(capsys, sqlite_url)
    cli.ok("deploy", str(PRIVACY), now=T0)
    bad = cli("start", "privacy", "--gemeente", "GM0363", "--data",
              json.dumps({"naam": NAME, "bsn": "111222334"}), now=T0)
    assert bad.code == 2 and "bsn: is geen geldig BSN" in bad.err and "111222334" not in bad.err + bad.out
    bad = cli("start", "privacy", "--gemeente", "GM0363", "--data",
              json.dumps({"naam": NAME, "bsn": BSN, "v_nummer": "12ab"}), now=T0)
    assert bad.code == 2 and "v_nummer: is geen geldig V-nummer" in bad.err
    assert cli.ok("cases") == []  # nothing was started


def test_purge_due_erases_every_trace_and_the_chain_still_verifies(cli, db_url):
    cli.ok("deploy", str(PRIVACY), now=T0)
    case_id = _closed_case(cli)
    kept = _start(cli, OTHER_NAME, OTHER_BSN)  # running: never due
    running = cli.ok("tasks", "--case", kept)[0]["id"]
    cli.ok("claim", running, now=T0)

    listed = cli.ok("retention", now=LATER)
    assert [(r["case_id"], r["bewaartermijn"], r["due"]) for r in listed] == [(case_id, "P7Y", True)]
    assert listed[0]["due_at"].startswith("2033-03-09")
    assert cli.ok("retention", now="2030-01-01T00:00:00+01:00")[0]["due"] is False
    assert cli.ok("purge", "--due", now="2030-01-01T00:00:00+01:00") == []  # not yet

    result = cli.ok("purge", "--due", now=LATER)
    assert [(r["case_id"], r["erased"], r["basis"]) for r in result] == [(case_id, True, "bewaartermijn")]

    assert rows_containing(db_url, [NAME, BSN, "Oudkerk"]) == []
    assert rows_containing(db_url, [OTHER_NAME, OTHER_BSN])  # the running case is untouched
    verify = cli("audit", "verify", "--all", "--json", now=LATER)
    assert verify.code == 0, verify.out
    replay = cli("audit", "replay", case_id, now=LATER)
    assert replay.code == 0 and "erased" in replay.out
    assert cli.ok("audit", "replay", case_id, now=LATER)["erased"] is True
    shown = cli.ok("show", case_id, now=LATER)
    assert shown["status"] == "erased" and shown["data"] == {}
    erasure = shown["events"][-1]
    assert erasure["type"] == "case_erased" and erasure["data"]["basis"] == "bewaartermijn"
    # the figures keep their non-personal facts: the outcome of the completed task
    completed = next(e for e in shown["events"] if e["type"] == "task_completed")
    assert completed["data"] == {"erased": True, "data": {"resultaat": "voldaan"}}
    assert cli.ok("purge", "--due", now=LATER) == []  # erased once


def test_an_article_17_request_erases_a_running_case_and_is_logged(cli, db_url):
    cli.ok("deploy", str(PRIVACY), now=T0)
    case_id = _start(cli)
    task = _task(cli, case_id)
    cli.ok("claim", task, now=T0)
    from grants import settings_for

    from engine.service import build_engine

    engine = build_engine(settings_for(db_url))
    engine.save_draft(task, {"resultaat": "voldaan", "toelichting": f"concept over {NAME}"})
    engine.db.dispose()
    assert cli("purge", case_id, now=T0).code == 2  # a request needs its reason
    result = cli.ok("purge", case_id, "--reason", "verzoek 2026-117 van betrokkene", now=T0)
    assert result[0]["erased"] and result[0]["basis"] == "verzoek"
    assert cli.ok("tasks") == []
    assert rows_containing(db_url, [NAME, BSN]) == []
    assert cli("audit", "verify", "--all", now=T0).code == 0
    log = cli.ok("access-log", "--case", case_id, now=T0)
    assert any(e["action"] == "case.purge" and e["outcome"] == "ok" for e in log)
    assert cli("purge", case_id, "--reason", "nogmaals", now=T0).code == 2  # erased already
    late_note = cli("notitie", case_id, f"{NAME} belde nog", now=T0)  # would bring the person back
    assert late_note.code == 2 and "is erased" in late_note.err
    assert rows_containing(db_url, [NAME]) == [] and cli("audit", "verify", case_id, now=T0).code == 0


def test_a_caseworker_may_not_erase(cli, db_url):
    cli.ok("deploy", str(PRIVACY), now=T0)
    case_id = _start(cli)
    cli.ok("users", "add", "anna", "--role", "klantmanager", "--gemeente", "GM0363")
    refused = cli("purge", case_id, "--reason", "verzoek", now=T0, user="anna")
    assert refused.code == 4 and "may not erase" in refused.err
    assert cli("retention", now=T0, user="anna").code == 4


def test_an_erasure_edited_afterwards_is_reported(cli, db_url):
    """The facts kept for the figures are covered by the case_erased event."""
    from audit_support import sql

    cli.ok("deploy", str(PRIVACY), now=T0)
    case_id = _closed_case(cli)
    cli.ok("purge", "--due", now=LATER)
    sql(db_url, "UPDATE events SET data = NULL WHERE case_id = :c AND type = 'task_completed'", c=case_id)
    report = cli("audit", "verify", case_id, "--json", now=LATER)
    assert report.code == 1 and "forged_erasure" in {f["kind"] for f in report.json["cases"][0]["findings"]}
