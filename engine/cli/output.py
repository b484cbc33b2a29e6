"""Printing results: JSON for machines, aligned plain text for people."""
from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime


def print_json(value) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def incident_text(incident) -> str:
    """Where and what, after "incident" or "INCIDENT": " at 'Gw_keuze': message", or ": message" when the
    engine could not tell the element."""
    where = f" at '{incident.task}'" if incident.task else ""
    return f"{where}: {incident.message}"


def mask_bsn(bsn: str | None) -> str | None:
    """Lists show only the last three digits of a BSN (AVG: data minimisation)."""
    if not bsn:
        return bsn
    return "*" * max(len(bsn) - 3, 0) + bsn[-3:]


def masked(value):
    """`value` (JSON data of a list) with every `bsn` masked: lists show a BSN masked in --json too; only
    the dossier (`show`) has it whole."""
    if isinstance(value, dict):
        return {k: (mask_bsn(v) if k == "bsn" and isinstance(v, str) else masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value
