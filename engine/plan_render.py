"""The plan van aanpak as Markdown or HTML (one structure, two renderings)."""
from __future__ import annotations

import html

from . import plan

SETTING_WORDS = {
    "workshop_sessies": "Aantal workshopsessies (dagdelen)", "aanwezigheid_door": "Aanwezigheid geregistreerd door",
    "tolk_vorm": "Tolk", "ondertekening_vorm": "Ondertekening", "ceremonie_interval_maanden":
    "Maanden tussen ceremonies", "ondertekenaar_rol": "Ondertekenaar namens de gemeente",
    "duo_machtiging_uitvoerder": "Uitvoerder registreert bij DUO (machtiging)",
    "heraanbod_max": "Opnieuw aanbieden binnen de termijn (maximaal)",
    "pvt_minimum_uren_wi2021": "Minimum uren (Wi2021)",
}


def sections(definition, rates: dict[str, float]) -> list[tuple[str, list[str]]]:
    """(heading, lines) of the plan: lines are plain text, a leading '- ' marks a list item."""
    processes = plan._processes(definition.sources)
    main = processes.get(definition.process_id)
    intro = [plan._doc(main)] if main is not None and plan._doc(main) else []
    settings = plan.settings_of(main) if main is not None else {}
    choices = [f"- {SETTING_WORDS[k]}: {_value(v)}" for k, v in settings.items() if k in SETTING_WORDS]
    steps = []
    for depth, kind, name, role, stage, doc in plan.steps(processes, definition.process_id):
        who = f" (rol: {role})" if role else ""
        fase = f" [fase {stage}]" if stage else ""
        steps.append(f"{'  ' * depth}- {kind}: {name}{who}{fase}" + (f": {doc}" if doc else ""))
    rules = []
    for table in plan.decisions(definition.sources):
        rules.append(f"{table['name']}" + (f": {table['description']}" if table["description"] else ""))
        rules.extend(f"- als {cond}: {out}" + (f" ({note})" if note else "") for cond, out, note in table["rules"])
    cost = plan.expected_cost(settings, rates)
    costs = [f"- {item}: EUR {amount:.2f}" for item, amount in cost.items()]
    costs.append(f"- totaal per deelnemer: EUR {sum(cost.values()):.2f} (tolkkosten naar gebruik)")
    return [("Inleiding", intro), ("Keuzes van de gemeente", choices), ("Stappen in volgorde", steps),
            ("Termijnen, no-show-ladder en andere beslisregels", rules), ("Verwachte kosten", costs)]


def _value(value) -> str:
    return {True: "ja", False: "nee"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def to_markdown(definition, rates) -> str:
    out = [f"# Plan van aanpak: {definition.name}", "",
           f"Proces `{definition.process_id}`, versie {definition.version}.", ""]
    for heading, lines in sections(definition, rates):
        out += [f"## {heading}", "", *lines, ""]
    return "\n".join(out)


def to_html(definition, rates) -> str:
    body = [f"<h1>Plan van aanpak: {html.escape(definition.name)}</h1>",
            f"<p>Proces {html.escape(definition.process_id)}, versie {definition.version}.</p>"]
    for heading, lines in sections(definition, rates):
        body.append(f"<h2>{html.escape(heading)}</h2>")
        for indent, bullet, text in _lines(lines):
            if bullet:
                body.append(f'<p style="margin-left:{1 + 2 * indent}em">&bull; {html.escape(text)}</p>')
            else:
                body.append(f"<p>{html.escape(text)}</p>")
    return ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Plan van aanpak</title></head>'
            f"<body>{''.join(body)}</body></html>\n")


def _lines(lines: list[str]):
    """(indent level, is a list item, text) of the plain-text lines `sections` gives."""
    for line in lines:
        item = line.lstrip()
        bullet = item.startswith("- ")
        yield (len(line) - len(item)) // 2, bullet, item[2:] if bullet else item


def to_pdf(definition, rates) -> bytes:
    """The same plan as a PDF (fpdf2: pure Python, no browser or system libraries on the server)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_latin(f"Plan van aanpak: {definition.name}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin(f"Plan van aanpak: {definition.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _latin(f"Proces {definition.process_id}, versie {definition.version}."),
                   new_x="LMARGIN", new_y="NEXT")
    for heading, lines in sections(definition, rates):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for indent, bullet, text in _lines(lines):
            text = f"- {text}" if bullet else text
            pdf.set_x(pdf.l_margin + 5 * indent)
            pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """PDF core fonts cover Latin-1 (Dutch included); other characters become their nearest ASCII."""
    import unicodedata

    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2192", "->").replace("\u20ac", "EUR")
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    if all(ord(c) < 256 for c in text):
        return text
    return "".join(c if ord(c) < 256 else (unicodedata.normalize("NFKD", c).encode("latin-1", "ignore").decode(
        "latin-1") or "?") for c in text)
