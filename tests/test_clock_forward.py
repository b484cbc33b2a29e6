"""Time goes forward: no command may date an event before the case's last event."""
from __future__ import annotations

from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
T0, T1 = "2026-03-02T09:00:00+01:00", "2026-03-03T09:00:00+01:00"


def _case(cli):
    cli.ok("deploy", LIFECYCLE, now=T0)
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 30}', now=T1)["case_id"]
    return case_id, cli.ok("tasks", "--case", case_id)[0]["id"]


def test_a_clock_before_the_last_event_is_refused_and_nothing_changes(cli):
    case_id, task_id = _case(cli)
    for args in (("complete", task_id, "--data", '{"naam": "Ilse Smit"}'), ("claim", task_id)):
        for now in ("1970-01-01T00:00:00Z", T0):
            result = cli(*args, now=now)
            assert result.code == 2 and "Traceback" not in result.err
            assert "cannot go back in time" in result.err and case_id in result.err
            assert len(result.err.strip().splitlines()) == 1
    case = cli.ok("show", case_id)
    assert [e["type"] for e in case["events"]] == ["case_started"] and case["open_tasks"][0]["assignee"] is None
    # The same moment, or later, is fine.
    cli.ok("claim", task_id, now=T1)
    cli.ok("complete", task_id, "--data", '{"naam": "Ilse Smit"}', now="2026-03-03T10:00:00+01:00")
    assert cli("audit", "verify", case_id).code == 0

