"""The garbage collector is paused only while a command starts (engine/cli/collector.py): the engine's
work, in the worker and the terminal app for hours, runs with it on."""
from __future__ import annotations

import gc

from engine.service import Engine

from cli import Cli
from conftest import TESTS


def test_the_collector_runs_during_the_command_and_after_it(capsys, sqlite_url, monkeypatch):
    cli = Cli(capsys, sqlite_url)
    cli.ok("deploy", str(TESTS / "bpmn" / "lifecycle"))
    seen = []
    listed = Engine.processes

    def processes(self):
        seen.append(gc.isenabled())
        return listed(self)

    monkeypatch.setattr(Engine, "processes", processes)
    assert cli("processes").code == 0
    assert seen == [True]
    assert gc.isenabled()


def test_a_failing_command_leaves_the_collector_on(capsys, sqlite_url):
    cli = Cli(capsys, sqlite_url)
    assert cli("show", "no-such-case").code != 0
    assert gc.isenabled()
