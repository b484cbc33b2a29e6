"""Auditor output people can read: `audit verify` names the person (masked BSN) and gemeente beside the
case id, and a history whose times run backwards is a finding."""
from __future__ import annotations

from search_support import LATER, fill_states


def test_verify_names_the_person_masked_and_the_gemeente(cli):
    ids = fill_states(cli)
    result = cli("audit", "verify", ids["done"])
    assert result.code == 0
    assert result.out.split("\n")[0] == f"{ids['done']}  ok  Iris de Graaf ******999  GM0363"
    assert "777888999" not in result.out
    assert cli.ok("audit", "verify", ids["done"])["cases"][0]["person"] == "Iris de Graaf ******999"


def test_a_history_whose_time_runs_backwards_is_a_finding(cli):
    ids = fill_states(cli)
    (task,) = cli.ok("tasks", "--case", ids["open"], now=LATER)
    cli.ok("complete", task["id"], now="2026-03-01T09:00:00+01:00")  # the clock was set back a day before T0
    run = cli("audit", "verify", ids["open"], "--json")
    assert run.code == 1
    kinds = [f["kind"] for f in run.json["cases"][0]["findings"]]
    assert "time_backwards" in kinds and not run.json["ok"]
