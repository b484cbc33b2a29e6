"""`traject retry`, `traject cancel` and `traject migrate` (`traject incidents` lists the cases in error:
engine/cli/commands.py): operating cases that stopped on an error or run on an outdated version."""
from __future__ import annotations

from .commands import _engine
from .output import print_json


def retry(args, settings) -> int:
    case = _engine(settings).retry_case(args.case_id)
    if args.json:
        print_json(case.to_json())
    else:
        print(f"case {case.id}: retried, now {case.status}")
    return 0


def cancel(args, settings) -> int:
    case = _engine(settings).cancel_case(args.case_id, args.reason)
    if args.json:
        print_json(case.to_json())
    else:
        print(f"case {case.id}: cancelled")
    return 0


def migrate(args, settings) -> int:
    report = _engine(settings).migrate_cases(args.case_ids, args.to, dry_run=args.dry_run)
    if args.json:
        print_json(report.to_json())
    else:
        print(impact_table(report))
    return 0 if report.ok else 2


def impact_table(report) -> str:
    """One block per case: versions, what is open now and on the new version, and why it cannot move."""
    lines = []
    for check in report.checks:
        outcome = ("migrated" if report.applied else "can migrate") if check.ok else "CANNOT migrate"
        lines.append(f"case {check.case_id} ({check.process_id}): version {check.from_version} -> "
                     f"{check.to_version}, {check.status}: {outcome}")
        lines.append(f"  open now:       {', '.join(check.open_before) or '-'}")
        if check.ok:
            lines.append(f"  open after:     {', '.join(check.open_after) or '-'}")
            if report.applied:
                # a carried-over task keeps its assignee (if it had one), its dates, drafts and follow-ups
                lines.append(f"  tasks carried over: {check.kept_assignees} (assignee, due date, drafts kept)")
        else:
            lines.append(f"  reason:         {check.problem}")
    can = sum(1 for c in report.checks if c.ok)
    if report.applied:
        lines.append(f"{can} case(s) migrated")
    else:
        lines.append(f"{can} of {len(report.checks)} case(s) can migrate (dry run: nothing changed)")
    return "\n".join(lines)


def add_parsers(command) -> None:
    p = command("retry", retry, "run the failed step of a case in error again, on its current data and "
                "process version; exit 1 if it fails again (recorded as the new incident)")
    p.add_argument("case_id", metavar="CASE_ID")
    p = command("cancel", cancel, "end a case that cannot go on (running or in error); recorded with the reason")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument("--reason", required=True, help="why the case is ended (one line)")
    p = command("migrate", migrate, "move running cases (or cases in error) to a newer version of their process "
                "when their history replays the same on it; one transaction for all, refused (exit 2) with the "
                "first divergent event otherwise")
    p.add_argument("case_ids", metavar="CASE_ID", nargs="+")
    p.add_argument("--to", required=True, metavar="VERSION", help="the version number (or PROCESS_ID:VERSION)")
    p.add_argument("--dry-run", action="store_true", help="print the impact report and change nothing "
                   "(exit 2 when a case cannot move)")
