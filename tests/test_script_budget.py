"""Script budget and determinism: an endless loop or a huge value is the case's incident within the
budget, the engine goes on answering; scripts give the same data under every hash seed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import TESTS

BUDGET = str(TESTS / "bpmn" / "budget")
DAY0, DAY2 = "2026-03-02T09:00:00+01:00", "2026-03-04T09:00:00+01:00"


def _start(cli, soort: str, minute: int) -> str:
    at = f"2026-03-02T09:{minute:02d}:00+01:00"
    return cli.ok("start", "budget", "--gemeente", "GM0363", "--data", json.dumps({"soort": soort}),
                  now=at)["case_id"]


def test_endless_loop_huge_value_and_nested_comprehension_end_as_incidents_within_the_budget(cli, monkeypatch):
    monkeypatch.setenv("TRAJECT_SCRIPT_BUDGET", "0.5")
    cli.ok("deploy", BUDGET, now=DAY0)
    lus, groot, comp, goed = (_start(cli, s, i) for i, s in enumerate(("lus", "groot", "comprehensie", "goed")))
    began = time.monotonic()
    result = cli("worker", "--once", "--json", now=DAY2)
    elapsed = time.monotonic() - began
    assert result.code == 0 and "Traceback" not in result.err
    assert result.json == {"cases_moved": 4}
    assert elapsed < 2 * 0.5 + 3  # two budgets and the engine's own work, not an endless hang
    for case_id, message in ((lus, "time budget of 0.5 s"), (groot, "a repetition would be too large"),
                             (comp, "time budget of 0.5 s")):
        case = cli.ok("show", case_id)
        assert case["status"] == "error", case_id
        assert case["incident"]["task"] == "Script_soort" and message in case["incident"]["message"]
        assert "waarde" not in case["data"]  # nothing of the failed script was applied
    assert cli.ok("show", goed)["data"]["waarde"] == "klaar"  # the engine still answers, next case fine


def test_the_budget_comes_from_the_installation_and_bad_values_are_one_line(cli, monkeypatch):
    monkeypatch.setenv("TRAJECT_SCRIPT_BUDGET", "lang")
    result = cli("cases")
    assert result.code == 2 and "TRAJECT_SCRIPT_BUDGET: 'lang'" in result.err and "Traceback" not in result.err


def _run(script: str) -> dict:
    from engine.scripting import RestrictedEnvironment

    data: dict = {}
    RestrictedEnvironment().execute(script, data)
    return data


def test_hash_is_not_available_in_scripts():
    from engine.scripting import ScriptRefused, check_syntax

    assert "not available" in check_syntax("x = hash('a')", "exec")[1]
    with pytest.raises(NameError):
        _run("x = hash('a')")
    assert ScriptRefused  # the guard module still exports its refusal type


DETERMINISM = """
namen = {"anna", "bram", "cees", "dirk", "eva", "femke", "gijs"}
extra = set(["zoe", "yara"]) | {"xander"}
uniek = list({n[0] + n[-1] for n in namen})
volgorde = list(namen)
tekst = ", ".join(extra)
paren = [n for n in namen & {"anna", "gijs", "eva"}]
weergave = str(frozenset(["q", "p"]))
del namen, extra  # sets are not case data
"""

CHILD = ("import json, sys; from engine.scripting import RestrictedEnvironment; d = {}; "
         "RestrictedEnvironment().execute(sys.stdin.read(), d); print(json.dumps(d, sort_keys=True))")


def _in_interpreter(seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", CHILD], input=DETERMINISM, env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_sets_of_text_iterate_the_same_in_interpreters_with_different_hash_seeds():
    runs = [_in_interpreter(seed) for seed in ("1", "2", "12345")]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["volgorde"] == sorted(runs[0]["volgorde"])
    assert runs[0]["tekst"] == "xander, yara, zoe" and runs[0]["weergave"] == "{'p', 'q'}"
    assert runs[0]["uniek"] == sorted(runs[0]["uniek"])


def test_the_budget_is_per_command_and_a_new_command_gets_a_fresh_one():
    from engine.scripting import RestrictedEnvironment, ScriptRefused

    busy = "import_free = 0\nwhile days_between('2024-01-01', today()) < 0 or waited() < 0.2:\n    pass\n"
    env = RestrictedEnvironment(budget=0.3)
    began = {}

    def waited():
        return time.monotonic() - began["t"]

    for _ in range(2):  # each run fits the budget when the budget restarts in between
        began["t"] = time.monotonic()
        env.execute(busy, {}, {"waited": waited})
        env.restart_budget()
    began["t"] = time.monotonic()
    env.execute(busy, {}, {"waited": waited})
    began["t"] = time.monotonic()
    with pytest.raises(ScriptRefused, match="time budget of 0.3 s"):  # no restart: the two together exceed it
        env.execute(busy, {}, {"waited": waited})
