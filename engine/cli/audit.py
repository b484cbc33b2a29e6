"""`traject audit verify|replay|export`: translate arguments to Engine calls and print the results."""
from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from .commands import _engine
from .output import print_json


def anchor(args, settings) -> int:
    import json

    from ..errors import InvalidInput

    taken = _engine(settings).audit_anchor()
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8") as out:
                out.write(json.dumps(taken) + "\n")
        except OSError as err:
            raise InvalidInput(f"--out: cannot write {args.out}: {err.strerror or err}") from None
    short = {k: v for k, v in taken.items() if k != "leaves"}
    if args.json:
        print_json(short)
    else:
        print(f"anchor {taken['at']}  root {taken['root']}  ({taken['cases']} case(s), "
              f"{taken['definitions']} definition version(s), by {taken['by']})")
        print("keep this line outside the database (print it, mail it to the FG); "
              + (f"the leaves are in {args.out}" if args.out else "--out FILE keeps the leaves"), file=sys.stderr)
    return 0


def _verify_anchor(args, settings) -> int:
    from ..audit.anchor import read

    problems = _engine(settings).verify_anchor(read(args.anchor))
    if args.json:
        print_json({"ok": not problems, "anchor": args.anchor, "changed": problems})
    else:
        for p in problems:
            what = f"case {p['case']}" if "case" in p else (f"definition {p['definition']}" if "definition" in p
                                                           else "anchor")
            print(f"{what}  CHANGED  {p['message']}")
        print(f"{len(problems)} change(s) since the anchor" if problems else "nothing changed since the anchor",
              file=sys.stderr)
    return 1 if problems else 0


def verify(args, settings) -> int:
    from ..errors import InvalidInput

    if getattr(args, "anchor", None):
        if args.case_ids:
            raise InvalidInput("--anchor checks every case the anchor names; give no CASE_IDs with it")
        code = _verify_anchor(args, settings)
        if not args.all:
            return code
        return max(code, _verify_cases(args, settings))
    if not args.case_ids and not args.all:
        raise InvalidInput("name one or more CASE_IDs, or --all")
    if args.case_ids and args.all:
        raise InvalidInput("give CASE_IDs or --all, not both")
    return _verify_cases(args, settings)


def _verify_cases(args, settings) -> int:
    progress = _Progress() if sys.stderr.isatty() else None
    started = time.perf_counter()
    try:
        results = _engine(settings).verify_cases(args.case_ids or None, progress=progress, jobs=args.jobs)
    finally:
        if progress:
            progress.clear()
    seconds = time.perf_counter() - started
    events = sum(r.events for r in results)
    failed = [r for r in results if not r.ok]
    summary = {"cases": len(results), "events": events, "failed": len(failed), "seconds": round(seconds, 3),
               "events_per_second": round(events / seconds) if seconds > 0 else None}
    if args.json:
        print_json({"ok": not failed, "summary": summary, "cases": [r.to_json() for r in results]})
    else:
        _print_verifications(results)
        print(f"{len(results)} case(s), {events} event(s) in {seconds:.1f} s "
              f"({summary['events_per_second'] or '-'} events/s): {len(results) - len(failed)} ok, "
              f"{len(failed)} with findings", file=sys.stderr)
    return 1 if failed else 0


def _print_verifications(results) -> None:
    for result in results:
        who = "  ".join(part for part in (result.person, result.gemeente) if part)
        print(f"{result.case_id}  {'ok' if result.ok else 'FAILED'}" + (f"  {who}" if who else ""))
        for finding in result.findings:
            print(f"  {finding}")
        for note in result.notes:
            print(f"  note: {note}")


class _Progress:
    """A one-line progress indicator on stderr (only used when stderr is a terminal)."""

    def __init__(self):
        self._shown = 0.0

    def __call__(self, done: int, total: int, events: int) -> None:
        now = time.monotonic()
        if now - self._shown < 0.2 and done < total:
            return
        self._shown = now
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} cases, {events} events")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def replay(args, settings) -> int:
    report = _engine(settings).replay_case(args.case_id, against_version=args.against)
    if args.json:
        print_json(report.to_json())
        return 0 if report.ok else 1
    from .replay_text import replay_lines, wrap

    for line in replay_lines(report, _status):
        print(line)
    for step in report.steps:
        for finding in (f for f in step.findings if f != report.divergence):
            print("\n".join(wrap(str(finding))))
        if step.note and step.status not in ("diverged",):
            print("\n".join(wrap(f"event {step.seq}: {step.note}")))
    for finding in (f for f in report.verification.findings if f.seq is None):
        print("\n".join(wrap(str(finding))))
    if report.divergence:
        print("\n".join(wrap(f"diverges at event {report.divergence.seq}: {report.divergence.message}", "")))
    elif report.erased and report.verification.ok:
        print("erased: the case's personal data (or a data category of it) was erased (traject purge); its "
              "history is kept as hashes and verifies, but cannot be replayed past the erasure")
    elif report.verification.ok:
        print("every step reproduces the recorded state")
    return 0 if report.ok else 1


def _status(step) -> str:
    return step.status if step.verified or step.status != "ok" else "FINDING"


def export(args, settings) -> int:
    summary = _engine(settings).export_events(args.out, format=args.format, gemeente=args.gemeente,
                                              since=_since(args.since), include_data=args.include_data)
    if args.json:
        print_json(summary.to_json())
    else:
        print(f"wrote {summary.traces} trace(s) with {summary.events} event(s) to {summary.path} ({summary.format})")
    return 0


def _since(text: str | None) -> datetime | None:
    """An ISO date (midnight, Dutch time) or date-time (naive means UTC, like --now)."""
    if not text:
        return None
    from zoneinfo import ZoneInfo

    from ..errors import InvalidInput

    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text.strip())
            return day.replace(tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC)
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--since: '{text}' is not an ISO-8601 date or date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
