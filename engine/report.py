"""`traject report`: the monitoring figures as CSV, JSON, a self-contained HTML page or an xlsx workbook.

No personal data: the report holds counts and amounts only, and any count of people from 1 to 4 is shown
as `<5` (CBS-style small-cell suppression), in tables and charts alike. Charts are SVG rendered here
(pygal, without its tooltip JavaScript), so the HTML file opens anywhere and can be mailed as is.
"""
from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from .errors import InvalidInput

FORMATS = ("csv", "json", "html", "xlsx")
SMALL = 5


def shown(value, unit: str):
    """A figure as the report shows it: small counts of people suppressed."""
    if unit == "count" and isinstance(value, int) and 0 < value < SMALL:
        return f"<{SMALL}"
    return "-" if value is None else value


def rows(report) -> list[tuple]:
    """(section, key, title, value, unit): every figure, its breakdown, the costs and the budget."""
    out = []
    for f in report.figures:
        out.append(("kpi", f.key, f.title, shown(f.value, f.unit), f.unit))
        for part, n in sorted(f.breakdown.items()):
            out.append(("kpi", f"{f.key}.{part}", f"{f.title}: {part}", shown(n, "count"), "count"))
    for line in report.costs:
        for item, amount in line.items.items():
            out.append(("kosten", f"{line.process_id}.{item}", f"{line.process_id}: {item}", amount, "EUR"))
    out.append(("kosten", "total_cost", "Totale kosten", report.total_cost, "EUR"))
    out.append(("budget", "vergunninghouders", "Vergunninghouders", shown(report.vergunninghouders, "count"),
                "count"))
    out.append(("budget", "budget", "Budget (vergunninghouders x bedrag)", report.budget, "EUR"))
    return out


def public_json(report) -> dict:
    data = report.to_json()
    for figure in data["figures"]:
        figure["value"] = shown(figure["value"], figure["unit"])
        figure["breakdown"] = {k: shown(v, "count") for k, v in figure["breakdown"].items()}
    data["vergunninghouders"] = shown(data["vergunninghouders"], "count")
    return data


def to_csv(report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "title", "value", "unit"])
    writer.writerows(rows(report))
    return buffer.getvalue()


def to_xlsx(report, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Cijfers"
    sheet.append(["section", "key", "title", "value", "unit"])
    for row in rows(report):
        sheet.append(list(row))
    defs = book.create_sheet("Definities")
    defs.append(["key", "title", "rule"])
    for f in report.figures:
        defs.append([f.key, f.title, f.rule])
    book.save(path)


def write(report, fmt: str, out: str | None) -> str | None:
    """Write the report to `out` (or return it as text for stdout; xlsx needs a file)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if not out:
            raise InvalidInput("--format xlsx needs --out FILE")
        to_xlsx(report, Path(out))
        return None
    if fmt == "csv":
        text = to_csv(report)
    elif fmt == "json":
        text = json.dumps(public_json(report), indent=2, ensure_ascii=False)
    else:
        from .report_html import render

        text = render(report)
    if not out:
        return text
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise InvalidInput(f"--out: cannot write {out}: {err.strerror or err}") from None
    return None


def escape(value) -> str:
    return html.escape(str(value))
