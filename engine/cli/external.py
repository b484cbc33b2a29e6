"""`traject message` and `traject external ...`: messages in, and the external-task queue for workers."""
from __future__ import annotations

import sys

from .commands import _data, _engine
from .output import print_json, print_table


def _correlate(pairs: list[str]) -> dict[str, str]:
    from ..errors import InvalidInput

    found = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"--correlate: '{pair}' is not KEY=VALUE")
        found[key.strip()] = value
    return found


def message(args, settings) -> int:
    result = _engine(settings).deliver_message(args.name, case_id=args.case, correlate=_correlate(args.correlate),
                                               data=_data(args.data), gemeente=args.gemeente)
    if args.json:
        print_json(result.to_json())
    else:
        verb = "started" if result.started else "delivered to"
        for case in result.cases:
            print(f"message '{result.message}' {verb} case {case.id} ({case.process_id}): {case.status}")
    return 1 if any(c.status == "error" for c in result.cases) else 0


def fetch(args, settings) -> int:
    items = _engine(settings).fetch_external_tasks(args.topic, args.worker, lock=args.lock, limit=args.limit)
    _print_items(args, items)
    return 0


def listing(args, settings) -> int:
    _print_items(args, _engine(settings).list_external_tasks(topic=args.topic, case_id=args.case))
    return 0


def _print_items(args, items) -> None:
    if args.json:
        print_json([i.to_json() for i in items])
    else:
        print_table(["id", "case", "topic", "task", "worker", "locked until", "retries"],
                    [(i.id, i.case_id[:8], i.topic, i.element, i.worker, i.locked_until, i.retries)
                     for i in items])


def complete(args, settings) -> int:
    case = _engine(settings).complete_external_task(args.item_id, _data(args.data), worker=args.worker)
    _print_case(args, case)
    return 1 if case.status == "error" else 0


def fail(args, settings) -> int:
    case = _engine(settings).fail_external_task(args.item_id, args.message, retries=args.retries,
                                                worker=args.worker)
    _print_case(args, case)
    return 0


def _print_case(args, case) -> None:
    if args.json:
        print_json({"case_id": case.id, "status": case.status, "stage": case.stage})
    else:
        print(f"case {case.id}: {case.status}", file=sys.stderr if case.status == "error" else sys.stdout)


def add_parsers(sub, command) -> None:
    p = command("message", message, "deliver a message: start the process whose message start event it is, "
                "or move the waiting case it is meant for; exit 2 when nothing receives it")
    p.add_argument("name", metavar="NAME", help="the message name (bpmn:message name)")
    p.add_argument("--case", help="deliver to this case only")
    p.add_argument("--correlate", action="append", default=[], metavar="KEY=VALUE",
                   help="deliver to the case whose correlation property KEY has VALUE; may repeat")
    p.add_argument("--data", help="message data as JSON, or @FILE")
    p.add_argument("--gemeente", help="municipality of the case a message start event starts")

    group = sub.add_parser("external", help="the external-task queue: service tasks done by outside workers",
                           description="the external-task queue: service tasks done by outside workers")
    actions = group.add_subparsers(title="external commands", metavar="ACTION")

    def action(name, handler, help_text):
        p = actions.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)
        return p

    p = action("fetch", fetch, "lock and print the due external tasks of a topic with their input data")
    p.add_argument("--topic", required=True, help="the service task's topic")
    p.add_argument("--worker", required=True, help="name of the fetching worker (holds the lock)")
    p.add_argument("--lock", default="PT5M", help="how long the lock holds, ISO 8601 (default PT5M)")
    p.add_argument("--limit", type=int, default=10, help="at most this many items (default 10)")
    p = action("complete", complete, "complete a fetched external task; its data goes into the case")
    p.add_argument("item_id", metavar="ID")
    p.add_argument("--data", help="result data as JSON, or @FILE")
    p.add_argument("--worker", help="refuse unless this worker holds the lock")
    p = action("fail", fail, "report a failed external task: back to the queue while retries are left, "
               "else an incident on the case")
    p.add_argument("item_id", metavar="ID")
    p.add_argument("--message", required=True, help="what went wrong")
    p.add_argument("--retries", type=int, default=0, help="retries left (default 0: raise an incident)")
    p.add_argument("--worker", help="refuse unless this worker holds the lock")
    p = action("list", listing, "list open external tasks")
    p.add_argument("--topic", help="only this topic")
    p.add_argument("--case", help="only this case")
