"""One bad case never stops the timer worker: each case's failure becomes that case's incident."""
from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from conftest import TESTS

NACHTWERK = str(TESTS / "bpmn" / "nachtwerk")
DAY0, DAY2 = "2026-03-02T09:00:00+01:00", "2026-03-04T09:00:00+01:00"


def _start(cli, soort: str, minute: int) -> str:
    # Started a minute apart, so the worker meets them in this order (it fires the earliest due first).
    at = f"2026-03-02T09:{minute:02d}:00+01:00"
    return cli.ok("start", "nachtwerk", "--gemeente", "GM0363", "--data", json.dumps({"soort": soort}),
                  now=at)["case_id"]


def test_a_base_exception_and_a_huge_value_become_incidents_and_the_third_case_fires(cli):
    cli.ok("deploy", NACHTWERK, now=DAY0)
    fout, groot, goed = _start(cli, "fout", 1), _start(cli, "groot", 2), _start(cli, "goed", 3)
    result = cli("worker", "--once", "--json", now=DAY2)
    assert result.code == 0 and "Traceback" not in result.err
    assert result.json == {"cases_moved": 3}
    for case_id, message in ((fout, "'mro' is not allowed"), (groot, "a repetition would be too large")):
        case = cli.ok("show", case_id)
        assert case["status"] == "error" and message in case["incident"]["message"]
        assert [e["type"] for e in case["events"]][-2:] == ["timer_fired", "incident_raised"]
    assert cli.ok("show", goed)["status"] == "running"
    assert cli.ok("tasks", "--case", goed)[0]["task"] == "Task_controle"
    # ... and the worker keeps going: a case started later fires on the next poll.
    later = _start(cli, "goed", 4)
    assert cli.ok("worker", "--once", now="2026-03-05T09:00:00+01:00") == {"cases_moved": 1}
    assert cli.ok("tasks", "--case", later)[0]["task"] == "Task_controle"
    assert cli("audit", "verify", "--all").code == 0  # the incidents replay as they were recorded


def test_a_failure_outside_the_scripts_is_that_cases_incident(cli, db_url):
    """A stored workflow nobody can read (a damaged row) fails in the engine itself, not in a script."""
    cli.ok("deploy", NACHTWERK, now=DAY0)
    broken, goed = _start(cli, "goed", 1), _start(cli, "goed", 2)
    sa = create_engine(db_url)
    with sa.begin() as conn:
        conn.execute(text("UPDATE cases SET workflow = '{\"not\": \"a workflow\"}' WHERE id = :id"), {"id": broken})
    sa.dispose()
    result = cli("worker", "--once", "--json", now=DAY2)
    assert result.code == 0 and result.json == {"cases_moved": 1}
    case = cli.ok("show", goed)
    assert case["status"] == "running" and case["open_tasks"]
    listed = {c["id"]: c for c in cli.ok("cases", "--status", "error")}
    assert list(listed) == [broken]
    # Nothing is due for it any more (it is in error): a second poll leaves it alone.
    assert cli.ok("worker", "--once", now=DAY2) == {"cases_moved": 0}
