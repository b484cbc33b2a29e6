"""External tasks: a service task with a topic waits for an outside worker that fetches (locks) it and
completes or fails it; expired locks return items to the queue; two workers never share an item."""
from __future__ import annotations

import threading

from conftest import TESTS

EXTERN = TESTS / "bpmn" / "extern"
T0 = "2026-03-02T09:00:00+00:00"
T_LOCKED = "2026-03-02T09:04:00+00:00"  # inside a PT5M lock taken at T0
T_EXPIRED = "2026-03-02T09:06:00+00:00"


def _case_with_item(cli) -> str:
    cli.ok("deploy", str(EXTERN))
    return cli.ok("start", "extern", "--gemeente", "GM0363", "--data", '{"bsn": "123456782"}', now=T0)["case_id"]


def _fetch(cli, worker: str, now: str, lock: str = "PT5M"):
    return cli.ok("external", "fetch", "--topic", "duo_registratie", "--worker", worker, "--lock", lock, now=now)


def test_round_trip_fetch_lock_expiry_refetch_and_complete(cli):
    case_id = _case_with_item(cli)
    assert cli.ok("show", case_id)["waiting_for"] == ["external task on topic 'duo_registratie' at Service_duo"]
    first = _fetch(cli, "w1", T0)
    assert [(i["case_id"], i["input"]["bsn"], i["worker"]) for i in first] == [(case_id, "123456782", "w1")]
    assert _fetch(cli, "w2", T_LOCKED) == []  # still locked by w1
    again = _fetch(cli, "w2", T_EXPIRED)  # w1's lock expired: back in the queue
    assert [i["id"] for i in again] == [first[0]["id"]] and again[0]["worker"] == "w2"
    late = cli("external", "complete", first[0]["id"], "--worker", "w1", "--data", '{"duo_nummer": 7}',
               now=T_EXPIRED)
    assert late.code == 3 and "locked by worker 'w2'" in late.err
    done = cli.ok("external", "complete", again[0]["id"], "--worker", "w2", "--data", '{"duo_nummer": 7}',
                  now=T_EXPIRED)
    assert done["status"] == "running"
    shown = cli.ok("show", case_id)
    assert [t["task"] for t in shown["open_tasks"]] == ["Task_controle"] and shown["data"]["duo_nummer"] == 7
    assert cli.ok("external", "list") == []
    gone = cli("external", "complete", again[0]["id"], now=T_EXPIRED)
    assert gone.code == 2 and "does not exist" in gone.err
    verified = cli("audit", "verify", case_id)
    assert verified.code == 0, verified.out + verified.err


def test_completing_an_unfetched_or_expired_item_is_a_conflict(cli):
    _case_with_item(cli)
    item = cli.ok("external", "list")[0]
    never = cli("external", "complete", item["id"], now=T0)
    assert never.code == 3 and "not locked" in never.err
    _fetch(cli, "w1", T0)
    expired = cli("external", "complete", item["id"], now=T_EXPIRED)
    assert expired.code == 3 and "expired" in expired.err


def test_failing_with_retries_requeues_then_the_last_failure_is_an_incident(cli):
    case_id = _case_with_item(cli)
    item_id = _fetch(cli, "w1", T0)[0]["id"]
    cli.ok("external", "fail", item_id, "--message", "DUO antwoordt niet", "--retries", "1", now=T0)
    queued = cli.ok("external", "list")[0]
    assert (queued["retries"], queued["error"], queued["worker"]) == (1, "DUO antwoordt niet", None)
    assert cli.ok("show", case_id)["status"] == "running"
    assert [i["id"] for i in _fetch(cli, "w1", T0)] == [item_id]  # requeued at once
    cli.ok("external", "fail", item_id, "--message", "DUO weigert: onbekend BSN", now=T0)
    shown = cli.ok("show", case_id)
    assert shown["status"] == "error"
    assert shown["incident"]["task"] == "Service_duo" and "DUO weigert: onbekend BSN" in shown["incident"]["message"]
    assert cli.ok("external", "list") == []
    assert [e["type"] for e in shown["events"]][-3:] == ["external_task_failed", "external_task_failed",
                                                         "incident_raised"]


def test_bad_worker_input_is_refused_without_traceback(cli):
    _case_with_item(cli)
    bad_lock = cli("external", "fetch", "--topic", "duo_registratie", "--worker", "w1", "--lock", "vijf")
    assert bad_lock.code == 2 and "--lock: 'vijf' is not an ISO 8601 duration" in bad_lock.err
    item_id = _fetch(cli, "w1", T0)[0]["id"]
    no_message = cli("external", "fail", item_id, "--message", " ", now=T0)
    assert no_message.code == 2 and "--message" in no_message.err
    bad_data = cli("external", "complete", item_id, "--data", "[1]", now=T0)
    assert bad_data.code == 2 and "must be a JSON object" in bad_data.err


def test_two_fetching_workers_never_get_the_same_item(make_engine):
    engine = make_engine(now=T0)
    engine.deploy([EXTERN])
    for _ in range(30):
        engine.start_case("extern", "GM0363", {"bsn": "123456782"})
    got: dict[str, list[str]] = {"a": [], "b": []}

    def work(name: str):
        worker_engine = make_engine(now=T0)
        while items := worker_engine.fetch_external_tasks("duo_registratie", name, lock="PT10M", limit=2):
            got[name] += [i.id for i in items]

    threads = [threading.Thread(target=work, args=(n,)) for n in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(got["a"]) & set(got["b"])
    assert len(got["a"]) + len(got["b"]) == 30
