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
        for line in lines:
            item = line.lstrip()
            if item.startswith("- "):
                indent = (len(line) - len(item)) // 2
                body.append(f'<p style="margin-left:{1 + 2 * indent}em">&bull; {html.escape(item[2:])}</p>')
            else:
                body.append(f"<p>{html.escape(line)}</p>")
    return ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Plan van aanpak</title></head>'
            f"<body>{''.join(body)}</body></html>\n")
