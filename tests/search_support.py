"""Three cases of the `wachten` test process in three states, for the search tests: one with an open
task, one waiting on its one-day timer (no task), one completed (no task), plus one in another gemeente."""
from __future__ import annotations

import json
from pathlib import Path

WACHTEN = str(Path(__file__).resolve().parent / "bpmn" / "wachten")
T0 = "2026-03-02T09:00:00+01:00"
LATER = "2026-03-04T09:00:00+01:00"
PEOPLE = {"open": ("Noor Visser", "111222333"), "waiting": ("Bram Willems", "444555666"),
          "done": ("Iris de Graaf", "777888999"), "elsewhere": ("Iris de Groot", "123123123")}


def fill_states(cli) -> dict[str, str]:
    """state -> case id. 'waiting' waits on its timer at LATER-1 day; 'done' completed by LATER."""
    cli.ok("deploy", WACHTEN, now=T0)
    ids = {}
    for state, (name, bsn) in PEOPLE.items():
        gemeente = "GM0344" if state == "elsewhere" else "GM0363"
        data = json.dumps({"naam": name, "bsn": bsn})
        ids[state] = cli.ok("start", "wachten", "--gemeente", gemeente, "--data", data, now=T0)["case_id"]
    for state in ("done", "elsewhere"):
        _complete_only_task(cli, ids[state], T0)
    cli.ok("worker", "--once", now=LATER)
    for state in ("done", "elsewhere"):
        _complete_only_task(cli, ids[state], LATER)
    _complete_only_task(cli, ids["waiting"], LATER)  # now it waits a day for its timer
    return ids


def _complete_only_task(cli, case_id: str, now: str) -> None:
    (task,) = cli.ok("tasks", "--case", case_id, now=now)
    cli.ok("complete", task["id"], now=now)
