"""Comparing an `expect` step with the case as the engine shows it."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .model import Expect


@dataclass(frozen=True)
class Mismatch:
    key: str  # e.g. "open", "stage", "data.pvt_plichtig"
    expected: str
    found: str


def check(expect: Expect, detail) -> list[Mismatch]:
    """Every way the case (an engine CaseDetail) differs from `expect`; empty when it matches."""
    found: list[Mismatch] = []
    open_ids = sorted(t.task for t in detail.open_tasks)
    if expect.open is not None and sorted(expect.open) != open_ids:
        found.append(Mismatch("open", _ids(sorted(expect.open)), describe_open(detail.open_tasks)))
    if expect.open_includes is not None:
        missing = [t for t in expect.open_includes if t not in open_ids]
        if missing:
            found.append(Mismatch("open_includes", f"also open: {_ids(missing)}", describe_open(detail.open_tasks)))
    summary = detail.summary
    if expect.stage is not None and expect.stage != summary.stage:
        found.append(Mismatch("stage", expect.stage, summary.stage or "(no stage)"))
    if expect.status is not None and expect.status != summary.status:
        found.append(Mismatch("status", expect.status, _status(detail)))
    if expect.incident is not None:
        message = detail.incident.message if detail.incident else None
        if message is None or expect.incident.lower() not in message.lower():
            found.append(Mismatch("incident", f"an incident mentioning '{expect.incident}'",
                                  message or "no incident"))
    if expect.data is not None:
        found.extend(data_mismatches(expect.data, detail.data, "data."))
    return found


def data_mismatches(expected: dict, actual: dict, prefix: str = "") -> list[Mismatch]:
    """Subset match: every expected key must hold the expected value; other keys may be anything.

    `null` means "not set": a missing key matches it too. Nested blocks match as subsets as well.
    """
    out: list[Mismatch] = []
    for key, want in expected.items():
        path = f"{prefix}{key}"
        if key not in actual:
            if want is not None:
                out.append(Mismatch(path, show(want), "(not set)"))
        elif isinstance(want, dict) and isinstance(actual[key], dict):
            out.extend(data_mismatches(want, actual[key], f"{path}."))
        elif not same(want, actual[key]):
            out.append(Mismatch(path, show(want), show(actual[key])))
    return out


def same(want: Any, got: Any) -> bool:
    # true must not match 1, nor false 0: a form field that is a yes/no box is not a count.
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same(w, g) for w, g in zip(want, got, strict=True))
    return want == got


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def describe_open(open_tasks: Sequence) -> str:
    if not open_tasks:
        return "no open tasks"
    return ", ".join(f"{t.task} ({t.title}{', ' + t.role if t.role else ''})" for t in open_tasks)


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "no open tasks"


def _status(detail) -> str:
    if detail.incident:
        return f"{detail.summary.status} (incident at {detail.incident.task}: {detail.incident.message})"
    return detail.summary.status
