"""`traject tasks` and `traject cases` start lean (issue 14): a fresh process lists from the Core tables
without importing the ORM, SpiffWorkflow or jsonschema, and still answers within the user's rights."""
from __future__ import annotations

import json
import subprocess
import sys

from cli import Cli
from conftest import REPO, TESTS

HEAVY = ("sqlalchemy.orm", "SpiffWorkflow", "jsonschema", "engine.service", "engine.store.tables")

PROBE = """
import contextlib, io, json, sys
from engine.cli import main
out = {}
for name, argv in json.loads(sys.argv[1]).items():
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(argv)
    out[name] = {"code": code, "stdout": buffer.getvalue()}
out["loaded"] = [m for m in json.loads(sys.argv[2]) if m in sys.modules]
print(json.dumps(out))
"""


def _fresh_process(commands: dict[str, list[str]]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands), json.dumps(HEAVY)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tasks_and_cases_list_without_the_orm_or_spiffworkflow(capsys, db_url):
    cli = Cli(capsys, db_url)
    cli.ok("deploy", str(TESTS / "bpmn" / "lifecycle"))
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 30}')["case_id"]
    db = ["--db", db_url, "--user", cli.user]

    result = _fresh_process({"tasks": [*db, "tasks", "--json"], "cases": [*db, "cases", "--json"],
                             "case tasks": [*db, "tasks", "--case", case_id, "--json"]})

    assert result["loaded"] == []
    assert result["tasks"]["code"] == 0 and result["cases"]["code"] == 0
    assert [t["case_id"] for t in json.loads(result["tasks"]["stdout"])] == [case_id]
    assert [t["case_id"] for t in json.loads(result["case tasks"]["stdout"])] == [case_id]
    [case] = json.loads(result["cases"]["stdout"])
    assert (case["id"], case["gemeente"], case["status"], case["definition_version"]) == \
        (case_id, "GM0363", "running", 1)


def test_a_lean_list_outside_the_users_scope_is_refused_and_logged(capsys, db_url):
    cli = Cli(capsys, db_url)
    db = ["--db", db_url, "--user", "buiten"]  # not in the directory: no grants

    result = _fresh_process({"tasks": [*db, "tasks", "--gemeente", "GM0363"],
                             "cases": [*db, "cases", "--gemeente", "GM0363"]})

    assert result["tasks"]["code"] == 4 and result["cases"]["code"] == 4
    log = cli.ok("access-log", "--type", "access_denied")
    refused = [(e["actor"], e["action"]) for e in log]
    assert ("buiten", "task.list") in refused and ("buiten", "case.list") in refused
