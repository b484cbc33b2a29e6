"""`audit replay` as text: fits a 100-column terminal and shows the old and new value of each changed
field (a BSN masked), under the event that changed it."""
from __future__ import annotations

from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")
T0 = "2026-03-02T09:00:00+01:00"


def test_replay_text_fits_100_columns_and_shows_old_and_new_values(cli):
    cli.ok("deploy", LIFECYCLE, now=T0)
    start = '{"leeftijd": 34, "naam": "F. el Amrani", "bsn": "123456782"}'
    case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", start, now=T0)["case_id"]
    (intake,) = cli.ok("tasks", "--case", case_id)
    cli.ok("complete", intake["id"], "--data", '{"naam": "Fatima el Amrani Bouzian de Groot-Verhoeven"}', now=T0)
    result = cli("audit", "replay", case_id)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "     changed: naam: F. el Amrani -> Fatima el Amrani Bouzian de…" in lines
    assert any("bsn=******782" in line for line in lines) and "123456782" not in result.out
    assert lines[-1] == "every step reproduces the recorded state"
