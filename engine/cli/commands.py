"""One handler per command: parse the arguments' values, call the Engine, print the result."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .output import incident_text, mask_bsn, masked, print_json, print_table


def _engine(settings):
    from ..service import build_engine
    from .collector import imports_done

    engine = build_engine(settings)
    imports_done()  # paused by main during the imports (engine/cli/collector.py)
    return engine


def _reader(settings):
    """The lists only (engine/lists.py): `traject tasks` and `traject cases` start without the ORM."""
    from ..lists import build_reader
    from .collector import imports_done

    reader = build_reader(settings)
    imports_done()
    return reader


def _data(text: str | None) -> dict:
    from ..errors import InvalidInput

    if not text:
        return {}
    source = "--data"
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise InvalidInput(f"--data: cannot read {path}: {err.strerror}") from None
        source = str(path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw.count(b"\n", 0, err.start) + 1
            raise InvalidInput(f"{source}: line {line}: not UTF-8 text (byte 0x{raw[err.start]:02x}); "
                               "save the file as UTF-8") from None
    def not_json(constant: str):  # Python's json would read NaN, Infinity and -Infinity as numbers
        raise InvalidInput(f"{source}: not valid JSON ({constant} is not a JSON value)")

    try:
        value = json.loads(text, parse_constant=not_json)
    except json.JSONDecodeError as err:
        raise InvalidInput(f"{source}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    except RecursionError:  # the decoder recurses per level: a few thousand '[' are enough
        raise InvalidInput(f"{source}: JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{source}: form data must be a JSON object")
    return value


def validate(args, settings) -> int:
    from ..bundle import collect

    problems = _engine(settings).validate(args.paths)
    files = collect(args.paths, settings.max_model_bytes)
    errors = [p for p in problems if not p.is_note]
    _print_problems(problems, args.json)
    if not args.json and not errors:
        notes = f" ({len(problems)} note(s))" if problems else ""
        print(f"{len(files)} file(s) checked: no problems{notes}", file=sys.stderr)
    return 1 if errors else 0


def deploy(args, settings) -> int:
    from ..errors import DefinitionInvalid

    try:
        results = _engine(settings).deploy(args.paths)
    except DefinitionInvalid as err:
        _print_problems(err.problems, args.json)
        errors = [p for p in err.problems if not p.is_note]
        print(f"nothing deployed: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    for note in results.notes:
        print(note, file=sys.stderr)
    if args.json:
        print_json([r.to_json() for r in results])
    else:
        print_table(["process", "version", "changed"],
                    [(r.process_id, r.version, "yes" if r.changed else "no") for r in results])
    return 0


def _print_problems(problems, as_json: bool) -> None:
    """`path:line: element-id: message` per problem, or with --json a list of them as objects."""
    if as_json:
        print_json([{"path": p.path, "line": p.line, "element_id": p.element_id, "message": p.message,
                     "severity": p.severity} for p in problems])
    else:
        for problem in problems:
            print(problem)


def processes(args, settings) -> int:
    infos = _engine(settings).processes()
    if args.json:
        print_json([p.to_json() for p in infos])
    else:
        print_table(["process", "name", "version", "startable"],
                    [(p.process_id, p.name, p.version, "yes" if p.startable else "no") for p in infos])
    return 0


def start(args, settings) -> int:
    case = _engine(settings).start_case(args.process_id, args.gemeente, _data(args.data))
    if args.json:
        print_json({"case_id": case.id, "status": case.status, "stage": case.stage})
    else:
        print(case.id)
    if case.status == "error":  # stdout keeps the bare id for scripts; why it is 1 goes to stderr
        print(f"case {case.id}: stopped by an incident as it started; see traject show {case.id}", file=sys.stderr)
        return 1
    return 0


def tasks(args, settings) -> int:
    from ..worklist import TaskFilter

    items = _reader(settings).list_tasks(TaskFilter(
        case_id=args.case, gemeente=args.gemeente, role=args.role, assignee=args.assignee, limit=args.limit))
    if args.json:
        print_json(masked([i.to_json() for i in items]))
    else:
        print_table(["id", "case", "task", "role", "gemeente", "person", "due", "assignee"],
                    [(i.id, i.case_id[:8], i.title, i.role, i.gemeente,
                      f"{i.person_name or '-'} {mask_bsn(i.bsn) or ''}".strip(), i.due, i.assignee)
                     for i in items])
    return 0


def form(args, settings) -> int:
    spec = _engine(settings).get_form(args.task_id)
    out = spec.to_json()
    if args.json:
        print_json(out)
    else:
        print(f"{spec.title} ({spec.task}), case {spec.case_id}")
        if spec.instructions:
            print(spec.instructions)
        print_json({"schema": spec.schema, "ui_schema": spec.ui_schema})
    return 0


def complete(args, settings) -> int:
    result = _engine(settings).complete_task(args.task_id, _data(args.data))
    if args.json:
        print_json({**result.to_json(), "open_tasks": masked([t.to_json() for t in result.open_tasks])})
    elif result.incident:
        print(f"case {result.case_id}: incident{incident_text(result.incident)}", file=sys.stderr)
    else:
        print(f"case {result.case_id}: {result.status}; open tasks: "
              + (", ".join(f"{t.title} [{t.id}]" for t in result.open_tasks) or "none"))
    return 1 if result.status == "error" else 0


def claim(args, settings) -> int:
    engine = _engine(settings)
    engine.claim_task(args.task_id, take_over=args.take_over)
    if args.json:
        print_json({"id": args.task_id, "assignee": engine.identity()[0]})
    return 0


def release(args, settings) -> int:
    _engine(settings).claim_task(args.task_id, release=True)
    if args.json:
        print_json({"id": args.task_id, "assignee": None})
    return 0


def show(args, settings) -> int:
    detail = _engine(settings).show_case(args.case_id)
    if args.json:
        print_json(detail.to_json())
        return 0
    s = detail.summary
    print(f"case {s.id}  {s.process_id} v{s.definition_version}  gemeente {s.gemeente}")
    print(f"status {s.status}  stage {s.stage or '-'}  person {s.person_name or '-'} {mask_bsn(s.bsn) or ''}")
    if detail.incident:
        print(f"INCIDENT{incident_text(detail.incident)}")
    for task in detail.open_tasks:
        print(f"open: {task.title} [{task.id}] role {task.role or '-'} due {task.due or '-'}")
    for due in detail.waiting_timers:
        print(f"timer due {due.isoformat()}")
    for what in detail.waiting_for:
        print(f"waiting for {what}")
    print_table(["seq", "at", "type", "task", "actor"],
                [(e.seq, e.at, e.type, e.task, e.actor) for e in detail.events])
    return 0


def list_cases(args, settings) -> int:
    rows = _reader(settings).list_cases(gemeente=args.gemeente, status=args.status, search=args.search)
    if args.json:
        print_json(masked([c.to_json() for c in rows]))
    else:
        print_table(["id", "process", "gemeente", "status", "stage", "person"],
                    [(c.id, c.process_id, c.gemeente, c.status, c.stage,
                      f"{c.person_name or '-'} {mask_bsn(c.bsn) or ''}".strip()) for c in rows])
    return 0


def assign(args, settings) -> int:
    count = _engine(settings).assign_tasks(args.task_ids, None if args.release else args.to, actor=settings.user)
    if args.json:
        print_json({"assigned": count, "assignee": None if args.release else args.to})
    else:
        print(f"{count} task(s) released" if args.release else f"{count} task(s) assigned to {args.to}")
    return 0


def note(args, settings) -> int:
    seq = _engine(settings).add_note(args.case_id, args.text, actor=settings.user, corrects=args.corrects)
    if args.json:
        print_json({"case_id": args.case_id, "seq": seq})
    else:
        print(f"note added to case {args.case_id} as event {seq}")
    return 0


def incidents(args, settings) -> int:
    rows = _engine(settings).list_incidents(gemeenten=[args.gemeente] if args.gemeente else None)
    if args.json:
        print_json(masked([row.to_json() for row in rows]))
    else:
        print_table(["case", "process", "gemeente", "person", "task", "since", "message"],
                    [(r.case.id, r.case.process_id, r.case.gemeente,
                      f"{r.case.person_name or '-'} {mask_bsn(r.case.bsn) or ''}".strip(), r.incident.task or "-",
                      r.incident.at.isoformat(timespec="minutes") if r.incident.at else "-", r.incident.message)
                     for r in rows])
    return 0


def worker(args, settings) -> int:
    engine = _engine(settings)
    if not args.once:  # the service: until SIGTERM/SIGINT, one log line per batch on stderr
        from ..worker import WorkerLoop

        return WorkerLoop(engine, args.interval).run()
    moved = engine.fire_due_timers()
    # Cases past their retention term are due work too (engine/purge.py), for a worker that may erase.
    purged = engine.purge_due() if engine.may_purge() else []
    erased = sum(1 for r in purged if r["erased"] and not r.get("category"))
    categories = sum(1 for r in purged if r["erased"] and r.get("category"))  # a category's shorter term
    if args.json:
        # `cases_erased` only when there were any: the contract's shape stays {"cases_moved"} otherwise
        print_json({"cases_moved": moved, **({"cases_erased": erased} if erased else {}),
                    **({"categories_erased": categories} if categories else {})})
    else:
        if moved:
            print(f"fired timers in {moved} case(s)")
        if erased:
            print(f"erased {erased} case(s) after their retention term")
        if categories:
            print(f"erased {categories} data categor{'y' if categories == 1 else 'ies'} after their own term")
    if len(purged) > erased + categories:
        print(f"{len(purged) - erased - categories} case(s) past their term not erased: their history does not verify "
              "(traject audit verify)", file=sys.stderr)
    return 0


def users_add(args, settings) -> int:
    user = _engine(settings).add_user(args.name, args.role, args.gemeente, args.region, args.all, args.force)
    if args.json:
        print_json(user.to_json())
    else:
        print(f"{user.name}: " + ", ".join(f"{g.role} in {g.scope}" for g in user.grants))
    return 0


def users_list(args, settings) -> int:
    users = _engine(settings).list_users()
    if args.json:
        print_json([u.to_json() for u in users])
    else:
        print_table(["name", "grants"], [(u.name, _grants_text(u)) for u in users])
    return 0


def users_remove(args, settings) -> int:
    roles = list(dict.fromkeys(args.role or ()))
    _engine(settings).remove_user(args.name, roles)
    if args.json:
        print_json({"user": args.name, "removed": roles or "all"})
    else:
        print(f"{args.name}: {'role ' + ', '.join(roles) if roles else 'every grant and the user'} removed")
    return 0


def whoami(args, settings) -> int:
    user = _engine(settings).whoami()
    if args.json:
        print_json(user.to_json())
        return 0
    via = f" (impersonated by {user.impersonated_by})" if user.impersonated_by else ""
    print(f"{user.name}{via}" + ("" if user.known else ": not in the user directory (may do nothing)"))
    for grant in user.grants:
        print(f"  {grant.role} in {grant.scope}")
    return 0


def _grants_text(user) -> str:
    scopes: dict[str, list[str]] = {}
    for grant in user.grants:
        scopes.setdefault(grant.role, []).append(grant.scope)
    return "; ".join(f"{role} in {', '.join(where)}" for role, where in scopes.items()) or "-"


def regions_add(args, settings) -> int:
    region = _engine(settings).add_region(args.name, args.gemeente, args.force)
    if args.json:
        print_json(region)
    else:
        print(f"{args.name}: {', '.join(region[args.name])}")
    return 0


def regions_list(args, settings) -> int:
    regions = _engine(settings).list_regions()
    if args.json:
        print_json(regions)
    else:
        print_table(["region", "gemeenten"], [(name, ", ".join(codes)) for name, codes in regions.items()])
    return 0


def regions_remove(args, settings) -> int:
    _engine(settings).remove_region(args.name)
    if args.json:
        print_json({"region": args.name, "removed": True})
    else:
        print(f"{args.name}: removed")
    return 0


def access_log(args, settings) -> int:
    engine = _engine(settings)
    if args.verify:
        findings = engine.verify_access_log()
        for finding in findings:
            print(finding)
        if not findings:
            print("access log: chain intact", file=sys.stderr)
        return 1 if findings else 0
    entries = engine.access_log(limit=args.limit, actor=args.actor, case_id=args.case, type=args.type)
    if args.json:
        print_json([e.to_json() for e in entries])
    else:
        print_table(["at", "type", "actor", "action", "resource", "outcome"],
                    [(e.at, e.type, e.actor, e.action, e.resource, e.outcome) for e in entries])
    return 0


def tui(args, settings) -> int:
    try:
        from tui.app import run_app
    except ImportError as err:
        from ..errors import EngineError

        raise EngineError(f"the terminal app is not available: {err}") from None
    return run_app(_engine(settings)) or 0


def demo(args, settings) -> int:
    from ..demo.seed import seed_demo
    from .collector import imports_done

    imports_done()

    summary = seed_demo(settings, people=args.people, fresh=args.fresh)
    print(summary)
    return 0


def test(args, settings) -> int:
    from ..scenarios.report import render_text, to_json

    suite = _engine(settings).run_scenarios(args.path, keyword=args.keyword, min_coverage=args.min_coverage)
    if args.json:
        print_json(to_json(suite))
    else:
        print(render_text(suite))
    return 0 if suite.passed else 1
