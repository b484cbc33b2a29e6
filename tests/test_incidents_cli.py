"""`traject incidents`: the technical message of every case stopped by an incident, for coordinators
and designers (caseworkers see a plain sentence in the app)."""
from __future__ import annotations

from conftest import TESTS

INCIDENT = str(TESTS / "bpmn" / "incident")
T0 = "2026-03-02T09:00:00+01:00"


def test_incidents_lists_stopped_cases_with_the_expression_error(cli):
    cli.ok("deploy", INCIDENT, now=T0)
    broken = cli.ok("start", "incident", "--gemeente", "GM0363", "--data",
                    '{"naam": "Eva Jansen", "bsn": "999888777", "deler": 0}', now=T0)["case_id"]
    cli.ok("start", "incident", "--gemeente", "GM0344", "--data", '{"naam": "Els", "deler": 2}', now=T0)
    (task,) = cli.ok("tasks", "--case", broken)
    cli("complete", task["id"], now=T0)
    (row,) = cli.ok("incidents")
    assert row["id"] == broken and row["status"] == "error"
    assert "ZeroDivisionError" in row["incident"]["message"]
    text = cli("incidents").out
    assert "ZeroDivisionError" in text and "******777" in text and "999888777" not in text
    assert cli.ok("incidents", "--gemeente", "GM0344") == []


def test_incidents_of_a_gemeente_outside_the_scope_are_refused_not_empty(cli):
    cli.ok("deploy", INCIDENT, now=T0)
    cli.ok("users", "add", "cor", "--role", "coordinator", "--gemeente", "GM0363")
    assert cli.ok("incidents", "--gemeente", "GM0363", user="cor") == []
    refused = cli("incidents", "--gemeente", "GM0344", user="cor")
    assert refused.code == 4 and "may not" in refused.err and "GM0344" in refused.err
