"""The HTML report: one self-contained page (inline CSS and SVG charts, no JavaScript) for the council."""
from __future__ import annotations

import re

from .report import SMALL, escape, rows, shown

CSS = """body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}figure{margin:1em 0}.chart svg{max-width:40em}"""


def _chart(title: str, values: dict[str, float], people: bool = True) -> str:
    """A bar chart as inline SVG; counts of people under 5 are left out (their bar would show them)."""
    import pygal
    import pygal.style

    # js=[]: pygal's SVG otherwise links its tooltip script from a CDN; the report must work offline.
    chart = pygal.Bar(js=[], disable_xml_declaration=True, show_legend=False, height=300, width=600,
                      title=title, print_values=True,
                      no_data_text="Geen gegevens (groepen kleiner dan 5 worden niet getoond)",
                      style=pygal.style.DefaultStyle(no_data_font_size=16))
    labels, data = [], []
    for label, value in values.items():
        labels.append(str(label))
        data.append(None if people and 0 < value < SMALL else value)
    chart.x_labels = labels
    chart.add(title, data)
    # pygal still inlines a small config <script> for its tooltips; the page needs none of it.
    svg = re.sub(r"<script\b.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    return f'<figure class="chart">{svg}</figure>'


def _charts(report) -> str:
    by_key = {f.key: f for f in report.figures}
    parts = []
    stages = by_key.get("open_cases_per_stage")
    if stages and stages.breakdown:
        parts.append(_chart("Lopende trajecten per fase", stages.breakdown))
    attendance = by_key.get("no_show_rate")
    if attendance and attendance.breakdown:
        parts.append(_chart("Aanwezigheid per sessie", attendance.breakdown))
    if report.costs:
        parts.append(_chart("Kosten per variant (EUR)", {c.process_id: c.total for c in report.costs},
                            people=False))
    return "\n".join(parts)


def render(report) -> str:
    period = f"{report.start.date()} tot {report.end.date()}"
    table = "".join(f"<tr><td>{escape(title)}</td><td>{escape(value)}</td><td>{escape(unit)}</td></tr>"
                    for _section, _key, title, value, unit in rows(report))
    definitions = "".join(f"<tr><td>{escape(f.title)}</td><td>{escape(f.rule)}</td></tr>" for f in report.figures)
    variant = f", variant {escape(report.process_id)}" if report.process_id else ""
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Monitoring PVT {escape(report.gemeente)}</title>
<style>{CSS}</style></head><body>
<h1>Monitoring participatieverklaringstraject</h1>
<p>Gemeente {escape(report.gemeente)}{variant}, periode {escape(period)}
(gemaakt {escape(report.generated_at.date())}). Alleen aantallen; groepen kleiner dan {SMALL} als &lt;{SMALL}.</p>
<h2>Cijfers</h2><table><tr><th>Cijfer</th><th>Waarde</th><th>Eenheid</th></tr>{table}</table>
<p>Kosten {escape(report.total_cost)} EUR tegen budget {escape(report.budget)} EUR
({escape(shown(report.vergunninghouders, 'count'))} vergunninghouders x {escape(report.budget_per_vergunninghouder)} EUR).</p>
<h2>Grafieken</h2>
{_charts(report)}
<h2>Definities</h2><table><tr><th>Cijfer</th><th>Regel</th></tr>{definitions}</table>
</body></html>
"""
