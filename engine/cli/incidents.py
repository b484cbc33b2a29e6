"""`traject retry` and `traject cancel` (`traject incidents` lists them: engine/cli/commands.py): operating cases that stopped on an error."""
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


def add_parsers(command) -> None:
    p = command("retry", retry, "run the failed step of a case in error again, on its current data and "
                "process version; exit 1 if it fails again (recorded as the new incident)")
    p.add_argument("case_id", metavar="CASE_ID")
    p = command("cancel", cancel, "end a case that cannot go on (running or in error); recorded with the reason")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument("--reason", required=True, help="why the case is ended (one line)")
