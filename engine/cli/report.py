"""`traject report`: monitoring figures of one gemeente over a period, as csv, json, html or xlsx."""
from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta

from .commands import _engine


def _day(text: str, what: str) -> date:
    from ..errors import InvalidInput
    from ..inputs import EARLIEST, LATEST

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what}: '{text}' is not a date (YYYY-MM-DD)") from None
    if not EARLIEST.year <= day.year < LATEST.year:  # as for --now: the engine's dates stay in this range
        raise InvalidInput(f"{what}: {text} is outside the years {EARLIEST.year} to {LATEST.year - 1}")
    return day


def _midnight(day: date) -> datetime:
    """Dutch midnight: a report's period is in the municipality's own days."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(0), ZoneInfo("Europe/Amsterdam"))


def report(args, settings) -> int:
    from .. import report as rendering

    first, last = _day(args.start, "--from"), _day(args.end, "--to")
    if last < first:
        from ..errors import InvalidInput

        raise InvalidInput(f"--to ({args.end}) is before --from ({args.start}): the period has no days")
    start = _midnight(first)
    end = _midnight(last + timedelta(days=1))  # --to is the last day, inclusive
    fmt = "json" if args.json and not args.format else (args.format or "csv")
    if fmt not in rendering.FORMATS:
        from ..errors import InvalidInput

        raise InvalidInput(f"--format: '{fmt}' is not one of {', '.join(rendering.FORMATS)}")
    result = _engine(settings).monitoring_report(args.gemeente, start, end, process_id=args.process,
                                                 rates_path=args.rates)
    text = rendering.write(result, fmt, args.out)
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    elif not args.json:
        print(f"report written to {args.out}", file=sys.stderr)
    return 0


def add_parser(command) -> None:
    p = command("report", report, "monitoring figures (KPIs), costs and budget of a gemeente over a period; "
                "counts only, groups under 5 shown as <5")
    p.add_argument("--gemeente", required=True, help="municipality code, e.g. GM0363")
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="last day (inclusive), YYYY-MM-DD")
    p.add_argument("--format", choices=["csv", "json", "html", "xlsx"], help="output format (default csv)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (default stdout; xlsx needs a file)")
    p.add_argument("--process", metavar="PROCESS_ID", help="only this variant")
    p.add_argument("--rates", metavar="FILE", help="cost rates and budget per vergunninghouder (TOML)")


def plan(args, settings) -> int:
    from pathlib import Path

    from ..errors import InvalidInput

    if args.format == "pdf" and not args.out:
        raise InvalidInput("--format pdf writes a file: give --out FILE")
    text = _engine(settings).plan_van_aanpak(args.process_id, fmt=args.format, rates_path=args.rates)
    if not args.out:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        if isinstance(text, bytes):
            Path(args.out).write_bytes(text)
        else:
            Path(args.out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise InvalidInput(f"--out: cannot write {args.out}: {err.strerror or err}") from None
    return 0


def add_plan_parser(command) -> None:
    p = command("plan", plan, "write the plan van aanpak of a deployed variant (steps, roles, choices, "
                "decision tables, expected cost) from its BPMN and DMN", json_flag=False)
    p.add_argument("process_id", metavar="PROCESS_ID")
    p.add_argument("--format", choices=["md", "html", "pdf"], default="md", help="output format (default md; pdf "
                   "needs --out)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (default stdout)")
    p.add_argument("--rates", metavar="FILE", help="cost rates (TOML, as for traject report)")
