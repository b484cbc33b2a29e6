"""`traject retention`, `traject purge` and `traject register`: the privacy officer's commands."""
from __future__ import annotations

import sys

from .commands import _engine
from .output import print_json, print_table


def retention(args, settings) -> int:
    items = _engine(settings).retention(due_only=args.due)
    if args.json:
        print_json([i.to_json() for i in items])
        return 0
    print_table(["case", "process", "gemeente", "status", "closed", "bewaartermijn", "due", "categories"],
                [(i.case_id, f"{i.process_id}:{i.version}", i.gemeente, i.status, i.closed_at,
                  i.term or "geen", _due(i.due_at, i.due), ", ".join(_category(c) for c in i.categories) or "-")
                 for i in items])
    return 0


def _due(due_at, due: bool) -> str:
    return (due_at.date().isoformat() + (" (nu)" if due else "")) if due_at else "-"


def _category(c) -> str:
    return f"{c.category} {c.term} " + ("gewist" if c.erased else _due(c.due_at, c.due))


def purge(args, settings) -> int:
    from ..errors import InvalidInput

    engine = _engine(settings)
    if args.due == bool(args.case_id):
        raise InvalidInput("give either --due (every case past its term) or CASE_ID with --reason")
    if args.due:
        if args.reason:
            raise InvalidInput("--reason goes with CASE_ID (a request under article 17), not with --due")
        results = engine.purge_due()
    else:
        if not args.reason:
            raise InvalidInput("--reason: an erasure on request names the request (article 17)")
        results = [engine.purge_case(args.case_id, args.reason)]
    if args.json:
        print_json(results)
    else:
        for r in results:
            what = f"category {r['category']} " if r.get("category") else ""
            print(f"{r['case_id']}: {what}" + ("erased" if r["erased"] else "NOT erased: " + "; ".join(r["findings"])))
        if not results:
            print("nothing is due", file=sys.stderr)
    return 1 if any(not r["erased"] for r in results) else 0


def register(args, settings) -> int:
    from .. import register as rendering

    entries = _engine(settings).processing_register()
    fmt = "json" if args.json else args.format
    text = rendering.render(entries, fmt)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def add_parsers(command) -> None:
    p = command("retention", retention, "closed cases and when their retention term (bewaartermijn) ends")
    p.add_argument("--due", action="store_true", help="only cases whose term has ended")
    p = command("purge", purge, "erase the personal data of cases past their term (--due), or of one case on "
                "a request under AVG article 17 (CASE_ID --reason); the audit chain keeps verifying")
    p.add_argument("case_id", nargs="?", metavar="CASE_ID", help="the case to erase (with --reason)")
    p.add_argument("--due", action="store_true", help="every closed case in scope whose term has ended")
    p.add_argument("--reason", metavar="TEXT", help="the request and its reference (never the person's name)")
    p = command("register", register, "the verwerkingsregister (AVG art. 30) of the deployed processes: "
                "personal data, purpose, legal basis, retention, who may see it, outside processors")
    p.add_argument("--format", choices=["md", "json"], default="md", help="output format (default md)")
