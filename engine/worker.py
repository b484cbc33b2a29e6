"""`traject worker` as a service: poll for due work until SIGTERM/SIGINT, survive a lost database.

One line per batch goes to stderr (counts and time, never case data). A signal only sets a flag: the
case in hand finishes its transaction, no new case is started, and the loop returns 0. A lost
connection (a restarted PostgreSQL, a killed backend) rolls the case in hand back; the worker waits
with a growing backoff, drops its pooled connections and goes on, and the case is simply due again.
"""
from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable

from .errors import DatabaseUnavailable

MAX_BACKOFF = 30.0  # seconds between reconnect attempts at most
PURGE_EVERY = 3600.0  # seconds between erasure rounds: a retention term is years, an hour is punctual


class WorkerLoop:
    def __init__(self, engine, interval: float, log: Callable[[str], None] | None = None):
        self.engine = engine
        engine.keep_live_workflows()  # a case fired again later need not be restored again (engine/live.py)
        self.interval = interval
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._stop = threading.Event()
        self._purged_at: float | None = None

    def _purge_when_due(self) -> None:
        """Erase the cases past their term (engine/purge.py) once an hour, when the worker's account
        may (`case.purge`); one log line with counts only."""
        import time

        if self._purged_at is not None and time.monotonic() - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = time.monotonic()
        if not self.engine.may_purge():
            return
        results = self.engine.purge_due()
        if results:
            kept = sum(1 for r in results if not r["erased"])
            categories = sum(1 for r in results if r["erased"] and r.get("category"))
            self.log(f"worker: {len(results) - kept - categories} case(s) erased after their retention term"
                     + (f", {categories} data category erasure(s)" if categories else "")
                     + (f", {kept} not erased (their history does not verify)" if kept else ""))

    def stop(self, *_signal_args) -> None:
        self._stop.set()

    def run(self) -> int:
        previous = {s: signal.signal(s, self.stop) for s in (signal.SIGTERM, signal.SIGINT)}
        self.log(f"worker: started, polling every {self.interval:g} s")  # signals are handled from here on
        try:
            self._loop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.log("worker: stopped")
        return 0

    def _loop(self) -> None:
        backoff = 0.0
        while not self._stop.is_set():
            try:
                batch = self.engine.fire_due_batch(stop=self._stop.is_set)
            except DatabaseUnavailable as err:
                backoff = min(MAX_BACKOFF, backoff * 2 or 0.5)
                self.log(f"worker: {err}; reconnecting in {backoff:g} s")
                self.engine.db.dispose()  # pooled connections to a restarted server are all dead
                self._stop.wait(backoff)
                continue
            backoff = 0.0
            self._purge_when_due()
            if batch.due:
                self.log(f"worker: {batch.due} due, {batch.moved} fired, {batch.passed} passed over "
                         f"in {batch.seconds:.2f} s")
            self._stop.wait(self.interval)

