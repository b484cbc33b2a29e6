"""Auditor output people can read: `audit verify` names the person (masked BSN) and gemeente beside the
case id, and a history whose times run backwards is a finding."""
from __future__ import annotations

from search_support import fill_states


def test_verify_names_the_person_masked_and_the_gemeente(cli):
    ids = fill_states(cli)
    result = cli("audit", "verify", ids["done"])
    assert result.code == 0
    assert result.out.split("\n")[0] == f"{ids['done']}  ok  Iris de Graaf ******999  GM0363"
    assert "777888999" not in result.out
    assert cli.ok("audit", "verify", ids["done"])["cases"][0]["person"] == "Iris de Graaf ******999"
