"""The garbage collector while a command starts.

A command spends most of its start importing: SQLAlchemy builds its classes and the tables' metadata,
Textual its widgets, all objects that live until the process ends. The collector's passes over them
free nothing and cost about a third of a read command's CPU (`traject tasks`: 0.75 s CPU with them,
0.49 s without, median of 10 interleaved runs, 2026-12-03). So it is off from the start of `main`
until the engine is built; then the objects made so far are frozen (left out of every later pass) and
it runs as usual, so the worker and the terminal app, which restore and drop workflows for hours,
collect their cycles like any process.
"""
from __future__ import annotations

import gc

# Frozen once per process: main() may run many times in one (the tests), and what a later run leaves
# behind must stay collectable.
_frozen = False


def pause() -> None:
    gc.disable()


def imports_done() -> None:
    """The engine's modules are loaded: collect again, without walking what start-up made."""
    global _frozen
    if gc.isenabled():
        return
    if not _frozen:
        gc.freeze()
        _frozen = True
    gc.enable()
