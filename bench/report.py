"""The results as Markdown tables (printed, and kept in bench/README.md between the bench markers)."""
from __future__ import annotations

import re
from pathlib import Path

HEADING = "## How it is measured"


def targets(results: dict) -> list[dict]:
    """The issue's targets, with the measured value and whether it holds."""
    out = []
    life = results.get("lifecycle")
    if life:
        ratio = life["ratio_long_running"]
        out.append({"target": "lifecycle, long-running (Engine reused): within 3x of raw SpiffWorkflow",
                    "value": f"{ratio}x", "holds": ratio <= 3})
        ratio = life["ratio_one_shot"]
        out.append({"target": "lifecycle, one-shot (new Engine per command): within 6x of raw SpiffWorkflow",
                    "value": f"{ratio}x", "holds": ratio <= 6})
    sizes = results.get("worklist", {})
    if sizes:
        biggest = max(sizes, key=int)
        p95 = sizes[biggest]["engine"]["p95_ms"]
        out.append({"target": f"worklist p95 < 10 ms at 100,000 open cases (measured at {int(biggest):,})",
                    "value": f"{p95} ms", "holds": p95 < 10 and int(biggest) >= 100_000})
    startup = results.get("startup", {})
    tui = {size: v for size, v in startup.get("tui", {}).items() if v.get("measured")}
    if tui:
        size, worst = max(((size, v["median_s"]) for size, v in tui.items()), key=lambda kv: kv[1])
        out.append({"target": f"`traject tui` launch to worklist shown < 1 s (worst at {int(size):,} open cases)",
                    "value": f"{worst} s", "holds": worst < 1})
    else:
        proxies = [v["traject tasks --limit 50"]["median_s"] for size, v in startup.items() if size.isdigit()]
        if proxies:
            out.append({"target": "start-up to worklist < 1 s (TUI not measured: CLI `tasks --limit 50`)",
                        "value": f"{max(proxies)} s", "holds": max(proxies) < 1})
    reads = _read_startup(startup)
    if reads:
        out.append({"target": "read commands (`tasks`, `cases`, `show`) start-up < 0.25 s (worst size)",
                    "value": ", ".join(f"{name} {secs} s" for name, secs in reads.items()),
                    "holds": all(secs < 0.25 for secs in reads.values())})
    mon = results.get("monitoring", {})
    if mon:
        biggest = max(mon, key=int)
        at = f"at {int(biggest):,} open cases"
        dash, rep = mon[biggest]["dashboard_screen"]["median_ms"], mon[biggest]["report"]["median_ms"]
        out.append({"target": f"dashboard refresh < 200 ms (one gemeente, {at})", "value": f"{dash} ms",
                    "holds": dash < 200 and int(biggest) >= 100_000})
        out.append({"target": f"report < 5 s (one gemeente, {at})", "value": f"{round(rep / 1000, 2)} s",
                    "holds": rep < 5000 and int(biggest) >= 100_000})
    ver = results.get("verify")
    if ver:
        out.append({"target": "audit verify throughput reported on at least 100,000 events",
                    "value": f"{ver['events_per_s']:,} events/s on {ver['events']:,} events",
                    "holds": ver["events"] >= 100_000})
    return out


def _read_startup(startup: dict) -> dict[str, float]:
    """The worst median over the database sizes of each read command of issue 14's start-up target."""
    from .startup import READ_COMMANDS

    found: dict[str, float] = {}
    for size, cmds in startup.items():
        for label in READ_COMMANDS:
            if size.isdigit() and label in cmds:
                name = label.split()[1]
                found[name] = max(found.get(name, 0.0), cmds[label]["median_s"])
    return found


def markdown(results: dict) -> str:
    parts = [_summary(results)]
    for section in (_lifecycle, _breakdown, _worklist, _startup, _growth, _memory, _verify, _monitoring, _targets):
        text = section(results)
        if text:
            parts.append(text)
    return "\n\n".join(parts) + "\n"


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list]) -> str:
    return "\n".join([_row(*header), _row(*["---"] * len(header)), *(_row(*r) for r in rows)])


def _summary(r: dict) -> str:
    m, meta = r["meta"]["machine"], r["meta"]
    return (f"Measured {meta['date']} with `{meta['command']}` ({meta['mode']} run, {meta['duration_s']:.0f} s) "
            f"on {m['nproc']} × {m['cpu']}, Python {m['python']}, SQLite {m['sqlite']}, "
            f"SQLAlchemy {m['sqlalchemy']}, SpiffWorkflow {m['spiffworkflow']}; commit {meta['commit']}; "
            f"load average {_load(meta.get('load_average_start'))} at the start, {_load(meta.get('load_average_end'))} "
            "at the end (a shared machine: absolute times move with it, side-by-side ratios much less). "
            "Medians unless noted.")


def _load(values) -> str:
    return "/".join(str(v) for v in values) if values else "?"


def _lifecycle(r: dict) -> str:
    life = r.get("lifecycle")
    if not life:
        return ""
    rows = []
    labels = {"traject": "Traject long-running (one Engine reused; SQLite file, forms, events)",
              "traject_one_shot": "Traject one-shot (a new Engine per command, as one CLI process each)",
              "raw_restricted": "raw SpiffWorkflow, in memory, Traject's restricted script engine",
              "raw_default": "raw SpiffWorkflow, in memory, Spiff's default script engine"}
    for side, label in labels.items():
        s = life[side]
        if side == "traject":
            ratio = "1.0x"
        elif side == "traject_one_shot":
            ratio = f"{round(s['per_case']['median_ms'] / life['traject']['per_case']['median_ms'], 2)}x (of medians)"
        else:
            ratio = f"{life[f'ratio_vs_{side}']['median_per_case']}x"
        rows.append([label, s["cases_per_s"], s["per_case"]["median_ms"], s["per_case"]["p95_ms"], ratio])
    paths = ", ".join(f"{k} {v}" for k, v in life["paths"].items())
    cmds = life["traject_commands"]
    per_cmd = "; ".join(f"`{name}` {v['median_ms']} ms (p95 {v['p95_ms']})" for name, v in cmds.items() if v.get("n"))
    one_shot = "; ".join(f"`{name}` {v['median_ms']} ms" for name, v in life["traject_one_shot_commands"].items()
                         if v.get("n"))
    return (f"**Lifecycle**: {life['cases']} `pvt_basis` cases start to completion ({life['human_tasks']} task "
            f"completions, {life['timers_fired']} DUO timers fired; paths: {paths}).\n\n"
            + _table(["side", "cases/s", "ms/case", "p95 ms/case", "Traject ÷ this (median per case)"], rows)
            + f"\n\nRatios (issue 14; median per case, Traject ÷ raw SpiffWorkflow with Traject's script engine): "
              f"**long-running {life['ratio_long_running']}x** (target 3x), **one-shot {life['ratio_one_shot']}x** "
              f"(target 6x).\n\nPer Engine command (long-running): {per_cmd}. One-shot: {one_shot}. Raw Spiff, one "
              f"task completion with its engine steps: {life['raw_restricted_step']['median_ms']} ms.")


def _breakdown(r: dict) -> str:
    b = r.get("breakdown")
    if not b:
        return ""
    complete, start = b["complete_task"], b["start_case"]
    phases = list(complete["phases_ms"])
    rows = [[p, complete["phases_ms"][p], round(100 * complete["phases_ms"][p] / complete["wall_ms"]),
             start["phases_ms"].get(p, "")] for p in phases]
    rows.append(["**total**", complete["wall_ms"], 100, start["wall_ms"]])
    if "sql_statements" in complete:
        rows.append(["SQL statements per command (count)", complete["sql_statements"], "",
                     start["sql_statements"]])
    return ("**Where a command's time goes** (exclusive time per phase, mean per command, from wrapping the "
            "engine's functions in the bench; no profiler overhead):\n\n"
            + _table(["phase", "complete_task ms", "%", "start_case ms"], rows))


def _worklist(r: dict) -> str:
    sizes = r.get("worklist")
    if not sizes:
        return ""
    rows = []
    for size, w in sorted(sizes.items(), key=lambda kv: int(kv[0])):
        wi = w.get("what_if_index", {})
        for label, key in (("role + gemeente, 50 rows", "engine"), ("TUI team view, 61 rows", "team_view")):
            cells = [f"{int(size):,}", label, w[key]["median_ms"], w[key]["p95_ms"]]
            cells += [wi[key]["median_ms"], wi[key]["p95_ms"]] if wi else ["", ""]
            rows.append(cells)
        rows[-2].insert(2, f"{w['matching_rows']:,}")
        rows[-1].insert(2, "")
        rows[-2].append(f"{w['sql_only']['median_ms']} ms; " + "; ".join(w["plan"]))
        rows[-1].append("with the what-if index: " + "; ".join(wi.get("plan", [])))
    reps = next(iter(sizes.values()))["engine"]["n"]
    return (f"**Worklist**: `Engine.list_tasks(TaskFilter(role=\"klantmanager\", gemeente=\"GM0363\", limit=50))`, "
            "and the TUI team view's `TaskFilter(roles=(\"klantmanager\",), gemeenten=(\"GM0363\",), limit=61)`; "
            f"{reps} repetitions each. What-if: the same with `" + _what_if_sql(sizes) + "` added (bench database only).\n\n"
            + _table(["open cases", "query", "matching rows", "p50 ms", "p95 ms", "what-if p50 ms", "what-if p95 ms",
                      "same SQL on bare sqlite3 (p50); query plan"], rows))


def _monitoring(r: dict) -> str:
    sizes = r.get("monitoring")
    if not sizes:
        return ""
    rows = []
    for size, m in sorted(sizes.items(), key=lambda kv: int(kv[0])):
        for label, key in (("dashboard (Engine.dashboard: figures and lists, coordinator)", "dashboard_screen"),
                           ("dashboard figure set only (beleid)", "dashboard_refresh"),
                           ("report, every figure and the costs (beleid)", "report")):
            rows.append([f"{int(size):,}", f"{m['cases_started']:,}", label, m[key]["median_ms"], m[key]["p95_ms"]])
    reps = next(iter(sizes.values()))["report"]["n"]
    return (f"**Monitoring**: one gemeente (GM0363) of four, period of 180 days; {reps} repetitions each.\n\n"
            + _table(["open cases", "cases of GM0363 in the period", "measured", "p50 ms", "p95 ms"], rows))


def _what_if_sql(sizes: dict) -> str:
    for w in sizes.values():
        if "what_if_index" in w:
            return w["what_if_index"]["index"]
    return ""


def _startup(r: dict) -> str:
    startup = r.get("startup")
    if not startup:
        return ""
    rows, runs, notes = [], None, []
    for size, cmds in startup.items():
        if size == "tui":
            continue
        where = "no database" if size == "none" else f"{int(size):,} open cases"
        for label, v in cmds.items():
            rows.append([f"`{label}`", where, v["median_s"], v["max_s"]])
            runs = v["runs"]
    for size, tui in startup.get("tui", {}).items():
        if tui.get("measured"):
            rows.append([f"`traject tui` launch to worklist shown ({tui['rows']} rows)", f"{int(size):,} open cases",
                         tui["median_s"], tui["max_s"]])
        else:
            notes.append(f"**TODO: `traject tui` to worklist not measured at {int(size):,}**: {tui.get('reason')}.")
    for size, tui in startup.get("tui", {}).items():
        if tui.get("measured"):
            notes.append(f"TUI at {int(size):,}, median per phase: "
                         + "; ".join(f"{name} {secs} s" for name, secs in tui["phases_s"].items()) + ".")
    return (f"**Start-up** (fresh processes, median of {runs} runs after one warm-up; the TUI headless, "
            "120x40, from spawning the process to one refresh after its worklist got the first page):\n\n"
            + _table(["command", "database", "median s", "max s"], rows)
            + "".join(f"\n\n{n}" for n in notes))


def _growth(r: dict) -> str:
    g = r.get("growth")
    if not g:
        return ""
    rows = []
    for length, v in g["by_length"].items():
        rows.append([length, v["loop_completion"]["median_ms"], v["loop_completion"]["p95_ms"], v["workflow_kb"],
                     v["loop_raw_spiff_completion"]["median_ms"], f"{v['loop_ratio_median']}x",
                     v["claims_completion"]["median_ms"]])
    return ("**Growth**: one task completion when the case already has N events. Loop: a bounded loop of "
            "progress reviews (bench/processes/bench_voortgang.bpmn), each review one event and one more task "
            f"({g['loop_cases']} case(s), {g['window']} completions per length each). Claims: a pvt_basis intake "
            f"claimed and released N-1 times, then completed (events only; {g['claim_cases']} case(s) per length).\n\n"
            + _table(["events", "loop ms", "loop p95 ms", "workflow KB", "raw Spiff loop ms", "Traject ÷ raw",
                      "claims ms"], rows)
            + "\n\nWhere one loop completion's time goes (ms, exclusive, mean over the timed completions):\n\n" + _growth_phases(g))


def _growth_phases(g: dict) -> str:
    lengths = list(g["by_length"])
    biggest = g["by_length"][lengths[-1]]["loop_phases_ms"]
    rows = [[phase, *(g["by_length"][n]["loop_phases_ms"].get(phase, "") for n in lengths)] for phase in biggest]
    return _table(["phase", *(f"{n} events" for n in lengths)], rows)


def _memory(r: dict) -> str:
    mem = r.get("memory")
    if not mem:
        return ""
    w, p = mem["worker"], mem["worklist_process"]
    tui_rows = [["`traject tui` (headless) until the worklist is shown", v["peak_rss_mb"], v["median_s"],
                 f"{v['rows']} rows"] for size, v in r.get("startup", {}).get("tui", {}).items()
                if v.get("measured") and int(size) == max(int(s) for s in r["startup"]["tui"])]
    return (f"**Memory** at {mem['open_cases']:,} open cases (peak RSS, VmHWM read inside a fresh process):\n\n"
            + _table(["process", "peak RSS MB", "wall s", "detail"], tui_rows + [
                ["`traject worker --once`", w["peak_rss_mb"], w["wall_s"],
                 f"{w['cases_moved']} cases with a due timer, {w['ms_per_case']} ms per case"],
                ["worklist: engine + first page, then the whole list of one role in one gemeente", p["peak_rss_mb"],
                 p["wall_s"], f"first page {p['first_page_ms']} ms ({p['rss_after_first_page_mb']} MB); "
                 f"all {p['full_list_rows']:,} rows {p['full_list_ms']} ms ({p['rss_after_full_list_mb']} MB)"],
            ]))


def _verify(r: dict) -> str:
    v = r.get("verify")
    if not v:
        return ""
    one = v["single_process"]
    rows = [[f"all cases, {v['jobs']} process(es) (as `traject audit verify --all`)", f"{v['cases']:,}",
             f"{v['events']:,}", v["wall_s"], f"{v['events_per_s']:,}", v["cases_per_s"], v["ms_per_event"]],
            ["a sample in one process", f"{one['cases']:,}", f"{one['events']:,}", one["wall_s"],
             f"{one['events_per_s']:,}", "", ""]]
    return (f"**Audit verify**: `Engine.verify_cases()` checks every event's hash chain, replays every case on its "
            f"own definition version and compares the stored state. {v['templates']} real pvt_basis cases "
            f"(open at a random step) and {v['copies']:,} copies of them with re-computed hash chains "
            f"(made in {v['copy_s']} s), all verifying ok.\n\n"
            + _table(["run", "cases", "events", "wall s", "events/s", "cases/s", "ms/event"], rows))


def _targets(r: dict) -> str:
    rows = [[t["target"], t["value"], "yes" if t["holds"] else "**no**"] for t in r.get("targets", [])]
    return "**Targets**\n\n" + _table(["target", "measured", "holds"], rows) if rows else ""


BEGIN, END = "<!-- bench:begin (python -m bench --readme rewrites this part) -->", "<!-- bench:end -->"


def update_readme(readme: Path, tables: str) -> None:
    """Put `tables` between the bench markers of bench/README.md; text around the
    markers (the explanation) stays. Without the section, append it at the end. Nothing else changes."""
    text = readme.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{tables.strip()}\n{END}"
    if BEGIN in text and END in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        readme.write_text(text[:start] + block + text[end:], encoding="utf-8")
    elif re.search(rf"^{re.escape(HEADING)}\s*$", text, flags=re.M):
        raise SystemExit(f"{readme}: the {HEADING} section has no bench markers; add {BEGIN} / {END} where the "
                         "tables go")
    else:
        readme.write_text(text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n", encoding="utf-8")
