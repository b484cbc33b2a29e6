"""Rights for messages and external tasks: a sender reaches only cases in its scope, a connector's
service account (`koppeling`) fetches only the external tasks of its gemeenten, a caseworker none."""
from __future__ import annotations

from conftest import TESTS

BERICHTEN = str(TESTS / "bpmn" / "berichten")
EXTERN = str(TESTS / "bpmn" / "extern")
NOW = "2026-03-02T09:00:00+00:00"


def _users(cli):
    cli.ok("users", "add", "duo_363", "--role", "koppeling", "--gemeente", "GM0363")
    cli.ok("users", "add", "km14", "--role", "intake", "--gemeente", "GM0014", "--force")


def test_a_message_reaches_only_cases_in_the_senders_scope(cli):
    cli.ok("deploy", BERICHTEN)
    _users(cli)
    started = cli.ok("message", "aanmelding_ontvangen", "--gemeente", "GM0363", "--data",
                     '{"bsn": "111222333", "naam": "Fatima el Amrani"}', now=NOW)
    case_id = started["cases"][0]["case_id"]
    refused = cli("message", "aanmelding_ontvangen", "--gemeente", "GM0363", "--data", '{"bsn": "1"}',
                  user="km14")
    assert refused.code == 4 and refused.err.startswith("not allowed: km14 may not send message")
    to_case = cli("message", "duo_besluit", "--case", case_id, user="km14")
    assert to_case.code == 4 and "GM0363" in to_case.err


def test_external_tasks_are_fetched_only_by_a_connector_in_scope(cli):
    cli.ok("deploy", EXTERN)
    _users(cli)
    cli.ok("start", "extern", "--gemeente", "GM0363", "--data", '{"bsn": "123456782"}', now=NOW)
    cli.ok("start", "extern", "--gemeente", "GM0014", "--data", '{"bsn": "123456782"}', now=NOW)
    fetch = ("external", "fetch", "--topic", "duo_registratie", "--worker", "duo", "--limit", "10")
    assert cli(*fetch, now=NOW, user="km14").code == 4  # a caseworker is no connector
    items = cli.ok(*fetch, now=NOW, user="duo_363")
    assert [i["gemeente"] for i in items] == ["GM0363"]
    other = cli.ok("external", "list")  # the test user sees both; the GM0014 item is not duo_363's
    elders = next(i["id"] for i in other if i["gemeente"] == "GM0014")
    cli.ok(*fetch, now=NOW)  # the test user locks it
    refused = cli("external", "complete", elders, "--worker", "duo", now=NOW, user="duo_363")
    assert refused.code == 4 and "GM0014" in refused.err
    done = cli.ok("external", "complete", items[0]["id"], "--worker", "duo", "--data", '{"duo_nummer": 1}',
                  now=NOW, user="duo_363")
    assert done["status"] == "running"
