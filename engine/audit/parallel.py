"""Verify batches of cases in worker processes.

A replay is CPU-bound Python (SpiffWorkflow itself is about 60% of it), so threads do not help and one
process verifies roughly a thousand events per second. Workers are spawned, not forked (a forked child
would inherit the parent's open database connections); each opens its own connection and restores
each definition's specs once. Starting a worker costs about half a second, so small runs stay in
the calling process.
"""
from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

PARALLEL_FROM = 1000  # cases; below this the workers' start-up outweighs what they save
MAX_JOBS = 8

_worker: dict = {}


def choose_jobs(jobs: int | None, cases: int, db_url: str, script_engine_factory) -> int:
    """How many processes to use: the requested number, or one per CPU for large runs."""
    if not _shareable(db_url, script_engine_factory):
        return 1
    if jobs is None:
        return min(os.cpu_count() or 1, MAX_JOBS) if cases >= PARALLEL_FROM else 1
    return max(1, min(jobs, cases))


def _shareable(db_url: str, script_engine_factory) -> bool:
    """Workers need a database they can open themselves and a script engine factory they can import."""
    if db_url.startswith("sqlite") and (":memory:" in db_url or db_url.rstrip("/") == "sqlite:"):
        return False
    try:
        pickle.dumps(script_engine_factory)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def verify_in_workers(db_url: str, script_engine_factory, batches: Sequence[Sequence[str]], jobs: int,
                      on_batch: Callable[[list], None]) -> list:
    """Verify `batches` of case ids on `jobs` processes; results in the order of the batches."""
    results: dict[int, list] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"), initializer=_start,
                             initargs=(db_url, script_engine_factory)) as pool:
        futures = {pool.submit(_verify_batch, list(batch)): index for index, batch in enumerate(batches)}
        for future in as_completed(futures):
            batch_results = future.result()
            results[futures[future]] = batch_results
            on_batch(batch_results)
    return [r for index in range(len(batches)) for r in results[index]]


def _start(db_url: str, script_engine_factory) -> None:
    from ..definitions import SpecCache
    from ..store.db import Database
    from .history import Definitions

    _worker.update(db=Database(db_url), factory=script_engine_factory, definitions=Definitions(SpecCache()))


def _verify_batch(ids: list[str]) -> list:
    from .api import verify_batch

    return verify_batch(_worker["db"], _worker["definitions"], _worker["factory"], ids)
