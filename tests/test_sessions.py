"""Group sessions: a coordinator plans a workshop or ceremony, enrols cases, and registers attendance once
for the whole group; each case's process moves on by the messages sessie_gepland / sessie_afgerond.
Refusals (full, wrong language, wrong stage) exit 2 and change nothing."""
from __future__ import annotations

import random

from conftest import TESTS

GROEPSWERK = TESTS / "bpmn" / "sessies"
NOW = "2026-03-02T09:00:00+01:00"


def _case(cli, naam: str, **data) -> str:
    payload = {"naam": naam, "voertaal": "Arabisch", **data}
    import json

    return cli.ok("start", "groepswerk", "--gemeente", data.pop("gemeente", "GM0363"),
                  "--data", json.dumps(payload), now=NOW)["case_id"]


def _session(cli, kind="workshop", capacity=12, language=("Arabisch",), gemeenten=("GM0363",), *extra):
    args = ["sessions", "add", "--kind", kind, "--title", f"{kind} groep", "--at", "2026-03-10T09:30:00+01:00",
            "--dagdelen", "1", "--capacity", str(capacity)]
    for lang in language:
        args += ["--language", lang]
    for g in gemeenten:
        args += ["--gemeente", g]
    return cli.ok(*args, *extra, now=NOW)["session_id"]


def test_a_session_is_planned_listed_and_shown_with_its_fill_level(cli):
    cli.ok("deploy", str(GROEPSWERK))
    sid = _session(cli)
    cases = [_case(cli, f"Deelnemer {i}") for i in range(3)]
    cli.ok("sessions", "enrol", sid, *cases, now=NOW)
    listed = cli.ok("sessions", "list", "--gemeente", "GM0363", "--kind", "workshop")
    assert [(s["session_id"], s["fill"], s["languages"]) for s in listed] == [(sid, "3/12", ["Arabisch"])]
    shown = cli.ok("sessions", "show", sid)
    assert sorted(p["case_id"] for p in shown["participants"]) == sorted(cases)
    assert {p["status"] for p in shown["participants"]} == {"ingeschreven"}
    for case_id in cases:
        case = cli.ok("show", case_id)
        assert case["data"]["sessie_id"] == sid and case["data"]["sessie_dagdelen"] == 1
        assert case["waiting_for"] == ["message 'sessie_afgerond' at Catch_workshop_afgerond"]
