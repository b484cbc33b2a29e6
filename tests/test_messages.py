"""traject message: a message start event starts a case; a message reaches exactly the waiting case its
correlation names (or every waiting case when the catch is declared broadcast); nothing is dropped."""
from __future__ import annotations

import random

from conftest import TESTS

BERICHTEN = TESTS / "bpmn" / "berichten"
OMROEP = TESTS / "bpmn" / "omroep"
NOW = "2026-03-02T09:00:00+01:00"


def _waiting_case(cli, bsn: str) -> str:
    """A case of `aanmelding` started by its message, intake done: waiting for duo_besluit."""
    started = cli.ok("message", "aanmelding_ontvangen", "--gemeente", "GM0363", "--data",
                     f'{{"bsn": "{bsn}", "naam": "Test {bsn}"}}', now=NOW)
    case_id = started["cases"][0]["case_id"]
    task = cli.ok("tasks", "--case", case_id)[0]
    cli.ok("complete", task["id"], now=NOW)
    return case_id


def test_a_message_start_event_starts_the_process_with_the_message_data(cli):
    cli.ok("deploy", str(BERICHTEN))
    result = cli.ok("message", "aanmelding_ontvangen", "--gemeente", "GM0363", "--data",
                    '{"bsn": "111222333", "naam": "Fatima el Amrani"}', now=NOW)
    assert result["started"] is True
    case_id = result["cases"][0]["case_id"]
    shown = cli.ok("show", case_id)
    assert shown["status"] == "running" and shown["data"]["naam"] == "Fatima el Amrani"
    assert [t["task"] for t in shown["open_tasks"]] == ["Task_intake"]
    assert shown["events"][0]["type"] == "case_started"


def test_starting_by_message_needs_a_gemeente(cli):
    cli.ok("deploy", str(BERICHTEN))
    result = cli("message", "aanmelding_ontvangen")
    assert result.code == 2 and "--gemeente is required" in result.err
    assert cli.ok("cases") == []


def test_a_waiting_case_shows_the_message_it_waits_for(cli):
    cli.ok("deploy", str(BERICHTEN))
    case_id = _waiting_case(cli, "123456782")
    shown = cli.ok("show", case_id)
    assert shown["open_tasks"] == [] and shown["status"] == "running"
    assert shown["waiting_for"] == ["message 'duo_besluit' at Catch_besluit"]
    assert "waiting for message 'duo_besluit' at Catch_besluit" in cli("show", case_id).out


def test_hundred_waiting_cases_each_receive_only_their_own_message(make_engine):
    engine = make_engine(now=NOW)
    engine.deploy([BERICHTEN])
    cases = {}
    for number in range(100):
        bsn = f"9{number:08d}"
        started = engine.deliver_message("aanmelding_ontvangen", data={"bsn": bsn}, gemeente="GM0363")
        case_id = started.cases[0].id
        engine.complete_task(engine.list_tasks(case_id=case_id)[0].id, {})
        cases[bsn] = case_id
    decisions = {bsn: random.choice(["toegekend", "afgewezen"]) + f"-{bsn}" for bsn in cases}
    order = list(cases)
    random.shuffle(order)
    for bsn in order:
        result = engine.deliver_message("duo_besluit", correlate={"bsn": bsn}, data={"besluit": decisions[bsn]})
        assert [c.id for c in result.cases] == [cases[bsn]]
    for bsn, case_id in cases.items():
        detail = engine.show_case(case_id)
        assert detail.summary.status == "completed"
        assert detail.data["besluit"] == decisions[bsn] and detail.data["bsn"] == bsn


def test_a_message_matching_several_cases_is_refused_and_nothing_changes(cli):
    cli.ok("deploy", str(BERICHTEN))
    first, second = _waiting_case(cli, "100000009"), _waiting_case(cli, "100000010")
    result = cli("message", "duo_besluit", "--data", '{"besluit": "toegekend"}')
    assert result.code == 2 and "matches 2 waiting cases" in result.err
    assert {cli.ok("show", c)["status"] for c in (first, second)} == {"running"}
    delivered = cli.ok("message", "duo_besluit", "--case", second, "--data", '{"besluit": "toegekend"}')
    assert [c["case_id"] for c in delivered["cases"]] == [second]
    assert cli.ok("show", second)["status"] == "completed" and cli.ok("show", first)["status"] == "running"


def test_a_message_nobody_receives_is_an_error_not_dropped(cli):
    cli.ok("deploy", str(BERICHTEN))
    case_id = _waiting_case(cli, "100000022")
    unknown = cli("message", "bestaat_niet")
    assert unknown.code == 2 and "no case waits for message 'bestaat_niet'" in unknown.err
    wrong_key = cli("message", "duo_besluit", "--correlate", "bsn=999999990")
    assert wrong_key.code == 2 and "bsn=999999990" in wrong_key.err
    other = cli.ok("message", "aanmelding_ontvangen", "--gemeente", "GM0363", now=NOW)["cases"][0]["case_id"]
    not_waiting = cli("message", "duo_besluit", "--case", other)
    assert not_waiting.code == 2 and f"case '{other}' is not waiting for message 'duo_besluit'" in not_waiting.err
    assert cli.ok("show", case_id)["status"] == "running"
    bad = cli("message", "duo_besluit", "--correlate", "bsn")
    assert bad.code == 2 and "is not KEY=VALUE" in bad.err


def test_a_broadcast_catch_receives_one_message_in_every_waiting_case(cli):
    cli.ok("deploy", str(OMROEP))
    ids = [cli.ok("start", "omroep", "--gemeente", "GM0363")["case_id"] for _ in range(3)]
    result = cli.ok("message", "nieuwe_regeling", "--data", '{"regeling": "2027"}')
    assert sorted(c["case_id"] for c in result["cases"]) == sorted(ids)
    assert all(cli.ok("show", c)["data"]["regeling"] == "2027" for c in ids)


def test_cases_moved_by_messages_verify_and_replay(cli):
    cli.ok("deploy", str(BERICHTEN))
    case_id = _waiting_case(cli, "100000034")
    cli.ok("message", "duo_besluit", "--correlate", "bsn=100000034", "--data", '{"besluit": "toegekend"}', now=NOW)
    verified = cli("audit", "verify", case_id)
    assert verified.code == 0, verified.out + verified.err
    types = [e["type"] for e in cli.ok("show", case_id)["events"]]
    assert types == ["case_started", "task_completed", "message_received", "case_completed"]


def test_the_caseworker_history_names_received_messages_and_external_tasks():
    from tui.format import event_text

    assert event_text("message_received", "Catch_besluit", {"message": "duo_besluit"}) == "Bericht ontvangen: duo_besluit"
    assert event_text("external_task_failed", "Service_duo", {"message": "DUO antwoordt niet"}) == (
        "Externe taak mislukt: DUO antwoordt niet")


def test_a_case_started_by_a_message_deleted_as_a_whole_is_found_by_verify(cli):
    """It joins the installation's chain of started cases like any other (engine/audit/case_chain.py)."""
    from audit_support import sql

    cli.ok("deploy", str(BERICHTEN))
    first = cli.ok("message", "aanmelding_ontvangen", "--gemeente", "GM0363", "--data",
                   '{"bsn": "111222333", "naam": "Eerste"}', now=NOW)["cases"][0]["case_id"]
    _waiting_case(cli, "123456782")  # started after it: it names the first as the case before it
    for table, column in (("message_waits", "case_id"), ("work_items", "case_id"), ("events", "case_id"),
                          ("cases", "id")):
        sql(cli.db_url, f"DELETE FROM {table} WHERE {column} = :c", c=first)
    result = cli("audit", "verify", "--all")
    assert result.code == 1 and first in result.out and "the whole case was deleted" in result.out


ANTWOORD = TESTS / "bpmn" / "antwoord"  # an event-based gateway: a message or ten days, whichever is first


def test_an_event_based_gateway_takes_the_message_that_comes_first(cli):
    cli.ok("deploy", str(ANTWOORD))
    case_id = cli.ok("start", "antwoord", "--gemeente", "GM0363", now=NOW)["case_id"]
    assert "message 'antwoord_ontvangen' at Gw_race" in cli.ok("show", case_id)["waiting_for"]
    cli.ok("message", "antwoord_ontvangen", "--case", case_id, "--data", '{"antwoord": "ja"}',
           now="2026-03-05T09:00:00+01:00")
    shown = cli.ok("show", case_id)
    assert [t["task"] for t in shown["open_tasks"]] == ["Task_verwerken"] and shown["data"]["antwoord"] == "ja"
    assert cli.ok("worker", "--once", now="2026-03-20T09:00:00+01:00")["cases_moved"] == 0  # the timer is gone
    assert cli.ok("audit", "verify", case_id)["cases"][0]["ok"] is True


def test_an_event_based_gateway_takes_the_timer_when_no_message_came(cli):
    cli.ok("deploy", str(ANTWOORD))
    case_id = cli.ok("start", "antwoord", "--gemeente", "GM0363", now=NOW)["case_id"]
    assert cli.ok("worker", "--once", now="2026-03-12T09:00:00+01:00")["cases_moved"] == 1
    assert [t["task"] for t in cli.ok("show", case_id)["open_tasks"]] == ["Task_herinneren"]
    late = cli("message", "antwoord_ontvangen", "--case", case_id, now="2026-03-13T09:00:00+01:00")
    assert late.code == 2 and "not waiting" in late.err
