"""The shipped processes: every case the demo seeder and the designers' scenarios make verifies, and the
demo's history exports."""
from __future__ import annotations

from grants import settings_for
from lxml import etree

from engine.demo.seed import seed_demo
from engine.scenarios.model import ScenarioInvalid, find_scenario_files, load_scenario
from engine.scenarios.runner import Workbench
from engine.service import build_engine

from conftest import REPO


def test_demo_cases_verify_and_export(sqlite_url, tmp_path):
    settings = settings_for(sqlite_url, user="demo")
    seed_demo(settings, people=12)
    engine = build_engine(settings)
    results = engine.verify_cases()
    assert len(results) == 12
    assert [str(f) for r in results for f in r.findings] == []
    summary = engine.export_events(tmp_path / "demo.xes")
    log = etree.parse(str(tmp_path / "demo.xes")).getroot()
    assert summary.traces == len(log.findall("{http://www.xes-standard.org/}trace")) == 12
    assert summary.events == sum(r.events for r in results) - _not_exported(engine, results)
    engine.db.dispose()


def _not_exported(engine, results) -> int:
    """Claims, releases, incidents and rolled-back commands are history, not process steps."""
    skipped = 0
    for result in results:
        events = engine.show_case(result.case_id).events
        for index, event in enumerate(events):
            rolled_back = index + 1 < len(events) and events[index + 1].type == "incident_raised"
            if event.type not in ("case_started", "task_completed", "timer_fired", "case_completed") or rolled_back:
                skipped += 1
    return skipped


def test_scenario_cases_verify():
    """Whether each scenario passes is `traject test`'s business; its cases must verify either way.
    The first five scenario files (one process variant's happy path, refusal, no-show ladder, exemption
    and deadline overrun) keep this at a few seconds; tests/test_scenarios.py runs them all."""
    folder = REPO / "processes"
    with Workbench(folder) as bench:
        for file in sorted(find_scenario_files(folder))[:5]:
            try:
                bench.run(load_scenario(file))
            except ScenarioInvalid:
                continue
        results = bench.engine.verify_cases()
        assert results
        assert [str(f) for r in results for f in r.findings] == []
