"""Keeps the visible worklist live: a thread waits on the engine's ChangeFeed (PostgreSQL LISTEN/NOTIFY,
SQLite `PRAGMA data_version`) and reloads the worklist page when a change touches it, or the dashboard
(tui/screens/dashboard.py) on any change.

A change touches the page when it is about a case shown on it or a gemeente shown on it (a new task
there may belong on the page), when the page is empty, or when the feed cannot say (SQLite). Only the
worklist screen on top reloads; one that is still loading is left alone (its answer is new enough).
"""
from __future__ import annotations

import threading

WAIT = 0.5  # seconds per wait, so the thread notices the app closing


def touches(changes, items) -> bool:
    if not items:
        return True
    cases = {item.case_id for item in items}
    gemeenten = {item.gemeente for item in items}
    return any(c.case_id is None or c.case_id in cases or c.gemeente in gemeenten for c in changes)


class LiveWorklist:
    """Mixin of TrajectApp: `start_live()` once the app runs, `stop_live()` when it closes.

    A plain daemon thread, not a Textual worker: it never finishes, and waiting for the app's
    workers (tests, shutdown) must not wait for it."""

    _live_stop: threading.Event | None = None

    def start_live(self) -> None:
        self._live_stop = threading.Event()
        threading.Thread(target=self._watch_changes, args=(self._live_stop,), name="traject-live",
                         daemon=True).start()

    def stop_live(self) -> None:
        if self._live_stop is not None:
            self._live_stop.set()

    def _watch_changes(self, stop: threading.Event) -> None:
        try:
            if not self.engine.whoami().may("task.list"):
                return  # an auditor or designer has no worklist to keep live (asking would log a refusal)
            feed = self.engine.change_feed()
        except Exception:  # noqa: BLE001 - no live updates (no rights, no database yet): r refreshes
            return
        try:
            while not stop.is_set():
                changes = feed.wait(WAIT)
                if changes and not stop.is_set():
                    self.call_from_thread(self._refresh_if_touched, changes)
        except Exception:  # noqa: BLE001 - the connection went or the app closed: the list stays as it is
            pass
        finally:
            feed.close()

    def _refresh_if_touched(self, changes) -> None:
        from tui.screens.dashboard import DashboardScreen
        from tui.screens.worklist import WorklistScreen

        screen = self.screen
        if isinstance(screen, DashboardScreen):  # its figures count every case in scope: any change counts
            if not screen.fetching:
                screen.reload()
            return
        if isinstance(screen, WorklistScreen) and not screen.fetching and self.user is not None \
                and touches(changes, getattr(screen, "items", None) or []):
            screen.reload()
