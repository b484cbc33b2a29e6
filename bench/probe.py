"""Run in a subprocess by the bench (python -m bench.probe MODE ...): what a fresh process costs.

Peak RSS is read here, inside the measured process (VmHWM): a parent's wait4() figure is useless on
Linux, because a child inherits its parent's high-water mark through fork and exec.

    worklist DB_URL ROLE GEMEENTE   engine + first page of one role's worklist in one gemeente, then all of it
    cli ARGS...                     engine.cli.main(ARGS), as the `traject` script runs it
    tui DB_URL USER LAUNCHED_AT     `traject tui` headless (120x40) until the worklist's first page is on
                                    screen (one refresh after WorklistScreen handled Loaded), then quit
Each prints one JSON line last.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import threading
import time

TIMEOUT_S = 120
STARTED = time.time()  # the probe's first line of Python: the interpreter has started


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def worklist(db_url: str, role: str, gemeente: str) -> dict:
    start = time.perf_counter()
    from bench.population import BENCH_USER
    from engine.service import build_engine
    from engine.settings import Settings
    from engine.worklist import TaskFilter

    engine = build_engine(Settings(db_url=db_url, user=BENCH_USER))
    out = {"import_ms": round((time.perf_counter() - start) * 1000, 1), "rss_after_import_mb": rss_mb()}
    t = time.perf_counter()
    page = engine.list_tasks(TaskFilter(role=role, gemeente=gemeente, limit=50))
    out.update(first_page_ms=round((time.perf_counter() - t) * 1000, 1), first_page_rows=len(page),
               rss_after_first_page_mb=rss_mb())
    t = time.perf_counter()
    everything = engine.list_tasks(TaskFilter(role=role, gemeente=gemeente))
    out.update(full_list_ms=round((time.perf_counter() - t) * 1000, 1), full_list_rows=len(everything),
               rss_after_full_list_mb=rss_mb())
    return out


def cli(args: list[str]) -> dict:
    from engine.cli import main

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        code = main(args)
    return {"code": code, "stdout": captured.getvalue(), "peak_rss_mb": rss_mb()}


def tui(db_url: str, user: str, launched_at: str) -> dict:
    try:
        import engine.cli  # noqa: F401 - timed with the app's imports
        from engine.cli import collector

        collector.pause()  # where `traject tui` pauses it: main(), before its handler imports the app
        from tui import app as tui_app
        from tui.screens.worklist import WorklistScreen

        original_run = tui_app.TrajectApp.run
        original_loaded = WorklistScreen.on_worklist_screen_loaded
    except (ImportError, AttributeError) as err:
        return {"measured": False, "reason": f"the TUI has changed shape, the probe needs updating: {err!r}"}
    imported = time.time()
    shown: dict = {}

    def headless_run(self, *args, **kwargs):
        kwargs.update(headless=True, size=(120, 40))
        return original_run(self, *args, **kwargs)

    def loaded(self, message):
        original_loaded(self, message)
        if not shown:
            shown["handled"] = time.time()

            def on_screen():
                shown.update(at=time.time(), rows=len(getattr(self, "items", [])))
                self.app.exit(0)

            self.call_after_refresh(on_screen)

    from engine.service import Engine

    engine_s = {"get_user": 0.0, "list_tasks": 0.0}

    def timed(name):
        original = getattr(Engine, name)

        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                if not shown:  # only the calls before the worklist is shown
                    engine_s[name] += time.perf_counter() - start

        setattr(Engine, name, wrapper)

    for name in engine_s:
        timed(name)
    tui_app.TrajectApp.run = headless_run
    WorklistScreen.on_worklist_screen_loaded = loaded
    out = cli(["--db", db_url, "--user", user, "tui"])
    if "at" not in shown:
        return {"measured": False, "reason": f"the worklist never showed (exit {out['code']})"}
    launched = float(launched_at)
    return {"measured": True, "launch_to_worklist_s": round(shown["at"] - launched, 3),
            "rows": shown["rows"], "peak_rss_mb": out["peak_rss_mb"], "code": out["code"],
            "phases_s": {"interpreter start": round(STARTED - launched, 3),
                         "imports (engine.cli, tui.app)": round(imported - STARTED, 3),
                         "app start to first page handled": round(shown["handled"] - imported, 3),
                         "of which engine.get_user + list_tasks (worker thread)":
                             round(engine_s["get_user"] + engine_s["list_tasks"], 3),
                         "first refresh": round(shown["at"] - shown["handled"], 3)}}


def main() -> None:
    threading.Timer(TIMEOUT_S, lambda: os._exit(3)).start()  # never hang the bench
    mode, *rest = sys.argv[1:]
    if mode == "worklist":
        result = worklist(*rest)
    elif mode == "cli":
        result = cli(rest)
    elif mode == "tui":
        result = tui(*rest)
    else:
        raise SystemExit(f"unknown probe {mode!r}")
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (and the timer thread)


if __name__ == "__main__":
    main()
