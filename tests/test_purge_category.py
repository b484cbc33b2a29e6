"""Retention per data category (issue 13 point 3): `bewaartermijn:medisch` = P1Y next to the case's P7Y.
After a year only the health fields go (form data, workflow data, event payloads), recorded as one
`category_erased` event that `audit verify` checks; seven years on, the whole case. SQLite and PostgreSQL."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from privacy_support import rows_containing

PRIVACY = Path(__file__).parent / "bpmn" / "privacy"
T0 = "2026-03-02T10:00:00+01:00"
CLOSED = "2026-03-09T10:00:00+01:00"
YEAR_ON = "2027-04-01T10:00:00+01:00"  # past bewaartermijn:medisch P1Y, within P7Y
LATER = "2034-03-02T10:00:00+01:00"
NAME, BSN = "Yara Bouzidi-Kramer", "111222333"
TERM = '<spiffworkflow:property name="bewaartermijn" value="P7Y" />'


def bundle(tmp_path, extra: str = '<spiffworkflow:property name="bewaartermijn:medisch" value="P1Y" />') -> Path:
    folder = tmp_path / "privacy-categorie"
    shutil.copytree(PRIVACY, folder)
    bpmn = folder / "privacy.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace(TERM, TERM + "\n        " + extra), encoding="utf-8")
    return folder


@pytest.fixture
def closed(cli, tmp_path):
    cli.ok("deploy", str(bundle(tmp_path)), now=T0)
    data = {"naam": NAME, "bsn": BSN, "taalniveau": "A2"}
    case_id = cli.ok("start", "privacy", "--gemeente", "GM0363", "--data", json.dumps(data), now=T0)["case_id"]
    task = cli.ok("tasks", "--case", case_id)[0]["id"]
    cli.ok("complete", task, "--data", json.dumps({"resultaat": "niet_voldaan", "medische_omstandigheid": "langdurig"}),
           now=CLOSED)
    return case_id


def test_a_category_is_erased_at_its_own_term_and_the_case_at_its_own(cli, db_url, closed):
    case_id = closed
    assert rows_containing(db_url, ["enc:v1:"])  # sealed in the workflow and the event
    (item,) = cli.ok("retention", now=YEAR_ON)
    assert item["due"] is False and item["bewaartermijn"] == "P7Y"
    (category,) = item["categories"]
    assert (category["category"], category["bewaartermijn"], category["fields"], category["due"]) == (
        "medisch", "P1Y", ["medische_omstandigheid"], True)
    assert category["due_at"].startswith("2027-03-09")
    assert cli.ok("retention", "--due", now="2027-01-01T10:00:00+01:00") == []

    (result,) = cli.ok("purge", "--due", now=YEAR_ON)
    assert (result["case_id"], result["erased"], result["category"]) == (case_id, True, "medisch")
    assert rows_containing(db_url, ["enc:v1:"]) == []  # no sealed value left in any table
    shown = cli.ok("show", case_id, now=YEAR_ON)
    assert shown["status"] == "completed" and "medische_omstandigheid" not in shown["data"]
    assert shown["data"]["resultaat"] == "niet_voldaan" and shown["data"]["naam"] == NAME  # the rest stays
    erasure = shown["events"][-1]
    assert erasure["type"] == "category_erased" and erasure["data"]["category"] == "medisch"
    completed = next(e for e in shown["events"] if e["type"] == "task_completed")
    assert completed["data"]["erased"] is True and "medische_omstandigheid" not in completed["data"]["data"]
    assert cli("audit", "verify", "--all", now=YEAR_ON).code == 0
    replay = cli("audit", "replay", case_id, now=YEAR_ON)
    assert replay.code == 0 and "erased" in replay.out
    (item,) = cli.ok("retention", now=YEAR_ON)
    assert item["categories"][0]["erased"] is True and item["categories"][0]["due"] is False
    assert cli.ok("purge", "--due", now=YEAR_ON) == []  # erased once

    (result,) = cli.ok("purge", "--due", now=LATER)  # the case's own term
    assert result["erased"] and result["category"] is None
    assert rows_containing(db_url, [NAME, BSN]) == []
    assert cli("audit", "verify", "--all", now=LATER).code == 0


def test_a_payload_marked_erased_outside_the_category_erasure_is_reported(cli, db_url, closed):
    cli.ok("purge", "--due", now=YEAR_ON)
    _set_payload(db_url, closed, "case_started", {"erased": True})
    report = cli("audit", "verify", closed, "--json", now=YEAR_ON)
    assert report.code == 1
    assert {f["kind"] for f in report.json["cases"][0]["findings"]} & {"altered_payload", "forged_erasure"}


def test_a_field_put_back_after_the_category_erasure_is_reported(cli, db_url, closed):
    cli.ok("purge", "--due", now=YEAR_ON)
    _set_payload(db_url, closed, "task_completed",
                 {"erased": True, "data": {"resultaat": "voldaan", "medische_omstandigheid": "tijdelijk"}})
    report = cli("audit", "verify", closed, "--json", now=YEAR_ON)
    assert report.code == 1 and "forged_erasure" in {f["kind"] for f in report.json["cases"][0]["findings"]}


def _set_payload(db_url: str, case_id: str, event_type: str, payload: dict) -> None:
    """Write an event's payload directly, as a tamperer would."""
    from audit_support import sql

    value = "CAST(:d AS JSON)" if db_url.startswith("postgresql") else ":d"
    sql(db_url, f"UPDATE events SET data = {value} WHERE case_id = :c AND type = :t",
        d=json.dumps(payload), c=case_id, t=event_type)


def test_validate_reports_an_unparseable_category_term_and_an_unused_category(capsys, sqlite_url, tmp_path):
    from cli import Cli

    cli = Cli(capsys, sqlite_url)
    assert cli("validate", str(bundle(tmp_path / "goed"))).code == 0
    bad = bundle(tmp_path / "slecht", '<spiffworkflow:property name="bewaartermijn:medisch" value="een jaar" />\n'
                 '        <spiffworkflow:property name="bewaartermijn:strafrechtelijk" value="P1Y" />')
    result = cli("validate", str(bad))
    assert result.code == 1
    assert "bewaartermijn:medisch: 'een jaar' is not an ISO 8601 period" in result.out
    assert "bewaartermijn:strafrechtelijk: no form of this bundle has a field in the restricted category " \
           "'strafrechtelijk' (categories used: medisch)" in result.out


def test_the_register_shows_the_category_term(capsys, sqlite_url, tmp_path):
    from cli import Cli

    cli = Cli(capsys, sqlite_url)
    cli.ok("deploy", str(bundle(tmp_path)), now=T0)
    (entry,) = cli.ok("register")
    assert entry["retention"] == "P7Y" and entry["retention_by_category"] == {"medisch": "P1Y"}
    assert "- **Bewaartermijn medisch**: P1Y na afsluiten van de zaak (alleen" in cli("register").out


def test_the_worker_erases_a_due_category_and_counts_it_apart(cli, db_url, closed):
    assert cli.ok("worker", "--once", now=YEAR_ON) == {"cases_moved": 0, "categories_erased": 1}
    assert cli.ok("show", closed, now=YEAR_ON)["events"][-1]["type"] == "category_erased"
    assert cli.ok("worker", "--once", now=LATER) == {"cases_moved": 0, "cases_erased": 1}
