"""Finding a person among every case, not only those with an open task: `traject cases --search`."""
from __future__ import annotations

from search_support import LATER, PEOPLE, fill_states


def test_search_finds_completed_and_waiting_cases_by_name_and_bsn(cli, make_engine):
    ids = fill_states(cli)
    engine = make_engine(now=LATER)
    by_state = {c.id: c for c in engine.list_cases()}
    assert by_state[ids["done"]].status == "completed"
    assert by_state[ids["waiting"]].status == "running" and by_state[ids["waiting"]].next_timer_at
    assert cli.ok("tasks", "--case", ids["waiting"], now=LATER) == []
    for state in ("done", "waiting"):
        name, bsn = PEOPLE[state]
        assert [c["id"] for c in cli.ok("cases", "--search", name.split()[-1].lower())] == [ids[state]]
        assert [c["id"] for c in cli.ok("cases", "--search", bsn)] == [ids[state]]
    assert [c["id"] for c in cli.ok("cases", "--search", ids["done"][:8])] == [ids["done"]]


def test_search_stays_within_the_gemeenten_asked_for(cli, make_engine):
    ids = fill_states(cli)
    engine = make_engine(now=LATER)
    everywhere = {c.id for c in engine.list_cases(search="iris")}
    assert everywhere == {ids["done"], ids["elsewhere"]}
    assert [c.id for c in engine.list_cases(search="iris", gemeenten=("GM0363",))] == [ids["done"]]
    assert engine.list_cases(search="123123123", gemeenten=("GM0363",)) == []
    assert engine.list_cases(search="nobody") == []


def test_a_fired_timer_is_recorded_as_the_system_not_the_login(cli):
    ids = fill_states(cli)  # the 'done' case's timer was fired by `traject worker` run as "tester"
    events = cli.ok("show", ids["done"])["events"]
    fired = [e for e in events if e["type"] == "timer_fired"]
    assert fired and {e["actor"] for e in fired} == {"systeem"}
    assert {e["actor"] for e in events if e["type"] == "task_completed"} == {"tester"}
