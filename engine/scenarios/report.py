"""Printing a scenario run for designers (plain text) and for machines (JSON)."""
from __future__ import annotations

from typing import Any

from .coverage import Coverage, ProcessCoverage
from .runner import Failure, ScenarioResult
from .suite import SuiteResult

_LABEL = {"passed": "PASS", "failed": "FAIL", "invalid": "FAIL"}
_INDENT = "      "


def render_text(suite: SuiteResult) -> str:
    lines: list[str] = []
    for result in suite.results:
        lines.extend(result_lines(result))
    lines.append("")
    lines.extend(_coverage_lines(suite.coverage))
    lines.append("")
    lines.append(_summary(suite))
    return "\n".join(lines)


def result_lines(result: ScenarioResult) -> list[str]:
    """PASS/FAIL, name and file; for a failure, where and why (also used by the pytest suite)."""
    lines = [f"{_LABEL[result.status]}  {result.name}  ({result.file})"]
    return lines + (_failure_lines(result.failure) if result.failure else [])


def _failure_lines(failure: Failure) -> list[str]:
    where = "the file" if failure.action == "read" else (
        f"step {failure.step} ({failure.action})" if failure.step else failure.action)
    line = f", line {failure.line}" if failure.line else ""
    out = [f"{_INDENT}{where}{line}: {failure.message}"]
    for d in failure.details:
        label = f"{d.key}: " if d.key else ""
        out.append(f"{_INDENT}  {label}expected {d.expected}")
        out.append(f"{_INDENT}  {' ' * len(label)}found    {d.found}")
    return out


def _coverage_lines(coverage: Coverage) -> list[str]:
    rows = [("process", "nodes", "visited", "%")]
    rows += [(_process_label(p), str(len(p.nodes)), str(p.visited), f"{p.percent:g}") for p in coverage.processes]
    rows.append(("total", str(coverage.nodes), str(coverage.visited), f"{coverage.percent:g}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out = ["Flow-node coverage (tasks, events, gateways the scenarios ran):"]
    for row in rows:
        out.append("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]))
    for p in coverage.processes:
        if p.unvisited:
            out.append(f"not visited in {p.process_id}:")
            out.extend(f"  {n.id}" + (f"  {n.name}" if n.name else "") + f"  [{n.kind}]" for n in p.unvisited)
    return out


def _process_label(p: ProcessCoverage) -> str:
    return p.process_id if p.startable else f"{p.process_id} (building block)"


def _summary(suite: SuiteResult) -> str:
    total = len(suite.results)
    failed = len(suite.failed)
    text = f"{total} scenario(s): {total - failed} passed, {failed} failed"
    if suite.min_coverage is not None:
        verdict = "ok" if suite.coverage_ok else "TOO LOW"
        text += f"; coverage {suite.coverage.percent:g}% (minimum {suite.min_coverage:g}%: {verdict})"
    return text


def to_json(suite: SuiteResult) -> dict[str, Any]:
    return {
        "passed": suite.passed,
        "folder": suite.folder,
        "scenarios": [_result_json(r) for r in suite.results],
        "coverage": {
            "processes": [_process_json(p) for p in suite.coverage.processes],
            "nodes": suite.coverage.nodes, "visited": suite.coverage.visited, "percent": suite.coverage.percent,
            "min_coverage": suite.min_coverage, "ok": suite.coverage_ok,
        },
    }


def _result_json(r: ScenarioResult) -> dict[str, Any]:
    failure = None
    if r.failure:
        f = r.failure
        failure = {"step": f.step, "line": f.line, "action": f.action, "message": f.message,
                   "details": [{"key": d.key, "expected": d.expected, "found": d.found} for d in f.details]}
    return {"name": r.name, "file": r.file, "status": r.status, "case_id": r.case_id, "seconds": r.seconds,
            "failure": failure}


def _process_json(p: ProcessCoverage) -> dict[str, Any]:
    return {"process_id": p.process_id, "name": p.name, "startable": p.startable, "nodes": len(p.nodes),
            "visited": p.visited, "percent": p.percent,
            "unvisited": [{"id": n.id, "name": n.name, "kind": n.kind} for n in p.unvisited]}
