"""`traject test`: find the scenario files under a folder, run them, measure the coverage."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DefinitionInvalid, InvalidInput
from .coverage import Coverage
from .model import Scenario, ScenarioInvalid, find_scenario_files, load_scenario
from .runner import ScenarioResult, Workbench, invalid_result


@dataclass(frozen=True)
class SuiteResult:
    folder: str
    results: tuple[ScenarioResult, ...]
    coverage: Coverage
    min_coverage: float | None = None

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    @property
    def coverage_ok(self) -> bool:
        return self.min_coverage is None or self.coverage.percent >= self.min_coverage

    @property
    def passed(self) -> bool:
        return not self.failed and self.coverage_ok


def run_suite(folder: str | Path, keyword: str | None = None, min_coverage: float | None = None,
              schema_dirs: Iterable[Path] = ()) -> SuiteResult:
    """Run every `*.scenario.yaml` under `folder` (those matching `keyword`) on its processes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: not a folder (give the folder with the BPMN, DMN and scenario files; "
                           "pick scenarios with -k)")
    files = find_scenario_files(folder)
    if not files:
        raise InvalidInput(f"no scenario files (*.scenario.yaml) under {folder}")
    loaded = [_load(f) for f in files]
    selected = [s for s in loaded if _matches(s, keyword)]
    if not selected:
        raise InvalidInput(f"-k {keyword}: no scenario name or file name contains this")
    try:
        bench = Workbench(folder, schema_dirs)
    except DefinitionInvalid as err:
        raise DefinitionInvalid(err.problems, f"the processes under {folder} cannot be deployed, so no "
                                              f"scenario ran:\n{err}") from None
    with bench:
        results = tuple(bench.run(s) if isinstance(s, Scenario) else invalid_result(s) for s in selected)
        coverage = bench.coverage(results)
    return SuiteResult(str(folder), results, coverage, min_coverage)


def _load(file: Path) -> Scenario | ScenarioInvalid:
    # A broken file is reported with the results instead of stopping the run: the others still tell
    # the designer something.
    try:
        return load_scenario(file)
    except ScenarioInvalid as err:
        return err


def _matches(item: Scenario | ScenarioInvalid, keyword: str | None) -> bool:
    if not keyword:
        return True
    words = [str(item.file)] + ([item.name] if isinstance(item, Scenario) else [])
    return any(keyword.lower() in w.lower() for w in words)
