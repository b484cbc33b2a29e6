"""`audit replay` as text an auditor reads in a 100-column terminal: one line per event (seq, time,
actor, type, task, status), and under it the open tasks it changed and the fields it changed, with
their old and new values. JSON output (--json) keeps every value whole.

Values are shortened to fit and a BSN is masked: the replay is read on screen, the JSON is the record.
"""
from __future__ import annotations

import json
import textwrap

from .output import mask_bsn

WIDTH = 100
INDENT = " " * 5
VALUE_MAX = 28  # characters per value: "key: old -> new" stays on one line; "key=value" never breaks
# seq, at, actor, type, task, status: 4+16+10+17+32+9 plus separators = 98
COLUMNS = (("seq", 4), ("at", 16), ("actor", 10), ("type", 17), ("task", 32), ("status", 9))


def replay_lines(report, status_of) -> list[str]:
    version = f"v{report.definition_version}" if report.definition_version is not None else "(version unknown)"
    lines = [f"case {report.case_id}", _fit(f"  {report.process_id or '-'} {version}, replayed on "
                                             f"{report.replayed_on or '-'}", WIDTH)]
    lines.append(_row([name for name, _ in COLUMNS]))
    for step in report.steps:
        at = step.at.strftime("%Y-%m-%d %H:%M") if step.at else "-"
        lines.append(_row([str(step.seq), at, step.actor or "-", step.type, step.title or step.task or "-",
                           status_of(step)]))
        lines += _details(step)
    return lines


def _row(cells: list[str]) -> str:
    return "  ".join(_fit(cell, width).ljust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True)).rstrip()


def _details(step) -> list[str]:
    out = []
    if step.open_after is None:
        out.append("open tasks: ? (not replayed)")
    elif step.open_before is not None and step.open_before != step.open_after:
        out.append(f"open tasks: {', '.join(step.open_before) or '-'} -> {', '.join(step.open_after) or '-'}")
    diff = step.diff
    if diff.added:
        out.append("new: " + ", ".join(f"{key}={_value(key, value)}" for key, value in diff.added.items()))
    for key, (old, new) in diff.changed.items():
        out.append(f"changed: {key}: {_value(key, old)} -> {_value(key, new)}")
    if diff.removed:
        out.append("removed: " + ", ".join(f"{key} (was {_value(key, v)})" for key, v in diff.removed.items()))
    return [line for text in out for line in textwrap.wrap(text, WIDTH, initial_indent=INDENT,
                                                           subsequent_indent=INDENT + "  ", break_on_hyphens=False)]


def _value(key: str, value) -> str:
    if "bsn" in key.lower() and isinstance(value, str | int):
        return mask_bsn(str(value)) or "-"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return _fit(text, VALUE_MAX)


def wrap(text: str, indent: str = "  ") -> list[str]:
    """A finding or note, wrapped to the width."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
