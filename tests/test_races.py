"""Two processes complete the same task at the same moment: one wins, the other gets exit 3."""
from __future__ import annotations

import multiprocessing

import pytest

from cli import Cli
from conftest import TESTS

LIFECYCLE = str(TESTS / "bpmn" / "lifecycle")


def _complete(db_url, task_id, barrier, results, index):
    import contextlib
    import io

    from engine.cli import main

    barrier.wait()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["--db", db_url, "--user", f"worker{index}", "complete", task_id, "--data", '{"naam": "X"}'])
    results[index] = (code, err.getvalue())


@pytest.mark.parametrize("rounds", [4])
def test_two_processes_racing_for_one_task(capsys, db_url, rounds):
    cli = Cli(capsys, db_url)
    cli.known("worker0", "worker1")
    cli.ok("deploy", LIFECYCLE)
    context = multiprocessing.get_context("fork")
    for _ in range(rounds):
        case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 20}')["case_id"]
        task_id = cli.ok("tasks", "--case", case_id)[0]["id"]
        barrier = context.Barrier(2)
        results = context.Manager().dict()
        workers = [context.Process(target=_complete, args=(db_url, task_id, barrier, results, i)) for i in (0, 1)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        codes = sorted(code for code, _ in results.values())
        assert codes == [0, 3], dict(results)
        loser_err = next(err for code, err in results.values() if code == 3)
        assert "no longer open" in loser_err or "changed by someone else" in loser_err
        events = cli.ok("show", case_id)["events"]
        assert [e["type"] for e in events].count("task_completed") == 1


def test_fifty_concurrent_claims_of_ten_tasks_give_exactly_ten_owners(cli, make_engine):
    """Five users claim each of ten tasks at once: one claim per task wins, the others get a Conflict."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from engine.errors import Conflict

    cli.ok("deploy", LIFECYCLE)
    task_ids = []
    for _ in range(10):
        case_id = cli.ok("start", "aanvraag", "--gemeente", "GM0363", "--data", '{"leeftijd": 20}')["case_id"]
        task_ids.append(cli.ok("tasks", "--case", case_id)[0]["id"])
    claims = [(task_id, f"user{n}") for task_id in task_ids for n in range(5)]
    engines = {user: make_engine(user=user) for _, user in claims}
    barrier = threading.Barrier(len(claims))

    def claim(task_id, user):
        barrier.wait()
        try:
            engines[user].claim_task(task_id)
            return "won"
        except Conflict:
            return "lost"

    with ThreadPoolExecutor(len(claims)) as pool:
        outcomes = list(pool.map(lambda c: claim(*c), claims))
    assert outcomes.count("won") == 10 and outcomes.count("lost") == 40
    owners = {t["id"]: t["assignee"] for t in cli.ok("tasks")}
    assert set(owners) == set(task_ids) and all(owners.values())
