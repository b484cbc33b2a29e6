"""`traject sessions ...`: group sessions (workshop dagdelen, signing ceremonies) and their participants."""
from __future__ import annotations

from datetime import datetime

from .commands import _engine
from .output import print_json, print_table


def _at(text: str) -> datetime:
    """ISO 8601; a time without an offset is Dutch wall-clock time (the sessions are held here)."""
    from ..calendar_nl import AMSTERDAM
    from ..errors import InvalidInput

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"--at: '{text}' is not an ISO 8601 date and time (e.g. 2026-03-02T09:30:00+01:00)") \
            from None
    return value.replace(tzinfo=AMSTERDAM) if value.tzinfo is None else value


def add(args, settings) -> int:
    from ..sessions import NewSession

    new = NewSession(kind=args.kind, title=args.title, at=_at(args.at), dagdelen=args.dagdelen,
                     capacity=args.capacity, languages=tuple(args.language), gemeenten=tuple(args.gemeente),
                     interpreter_type=args.interpreter, interpreter_language=args.interpreter_language,
                     interpreter_booked=args.interpreter_booked, place=args.place, executor=args.executor,
                     official=args.official)
    if new.interpreter_type and ":" in new.interpreter_type and not new.interpreter_language:
        kind, _, language = new.interpreter_type.partition(":")  # --interpreter TYPE:LANGUAGE
        new = NewSession(**{**new.__dict__, "interpreter_type": kind, "interpreter_language": language})
    view = _engine(settings).add_session(new)
    if args.json:
        print_json(view.to_json())
    else:
        print(view.id)
    return 0


def listing(args, settings) -> int:
    views = _engine(settings).list_sessions(gemeente=args.gemeente, kind=args.kind, status=args.status)
    if args.json:
        print_json([v.to_json() for v in views])
    else:
        # The short id is enough for `sessions show/enrol/...` (a unique prefix); times as held, in Dutch time.
        print_table(["id", "kind", "at", "title", "fill", "language", "interpreter", "status"],
                    [(v.id[:8], v.kind, _local(v.at), v.title, v.fill, ", ".join(v.languages), _tolk(v), v.status)
                     for v in views])
    return 0


def _local(at: datetime) -> datetime:
    from ..calendar_nl import AMSTERDAM

    return at.astimezone(AMSTERDAM) if at.tzinfo else at


def _tolk(view) -> str:
    if not view.interpreter_type:
        return "-"
    language = f" {view.interpreter_language}" if view.interpreter_language else ""
    return f"{view.interpreter_type}{language} ({'geboekt' if view.interpreter_booked else 'niet geboekt'})"


def show(args, settings) -> int:
    view = _engine(settings).show_session(args.session_id)
    if args.json:
        print_json(view.to_json())
        return 0
    print(f"{view.title} ({view.kind}, {view.status})")
    dagdelen = "1 dagdeel" if view.dagdelen == 1 else f"{view.dagdelen} dagdelen"
    print(f"  {_local(view.at):%Y-%m-%d %H:%M}, {dagdelen}, {view.place or '-'}")
    print(f"  fill {view.fill}, language {', '.join(view.languages)}, interpreter {_tolk(view)}")
    print(f"  executor {view.executor}, gemeenten {', '.join(view.gemeenten)}"
          + (f", official {view.official}" if view.official else ""))
    print_table(["case", "gemeente", "person", "bsn", "status"],
                [(p.case_id, p.gemeente, p.person_name, p.bsn, p.status) for p in view.participants or ()])
    return 0


def _outcome(args, result) -> int:
    if args.json:
        print_json(result.to_json())
    else:
        for case_id in result.delivered:
            print(f"case {case_id}: moved on")
        for case_id in result.not_waiting:
            print(f"case {case_id}: recorded (its process does not wait for the session any more)")
    return 0


def enrol(args, settings) -> int:
    return _outcome(args, _engine(settings).enrol_in_session(args.session_id, args.cases))


def attendance(args, settings) -> int:
    result = _engine(settings).register_attendance(args.session_id, present=args.present, absent=args.absent,
                                                   excused=args.excused, refused=args.refused)
    return _outcome(args, result)


def cancel(args, settings) -> int:
    return _outcome(args, _engine(settings).cancel_session(args.session_id, args.reason))


def move(args, settings) -> int:
    return _outcome(args, _engine(settings).move_to_session(args.case_id, args.from_session, args.to_session))


def candidates(args, settings) -> int:
    found = _engine(settings).session_candidates(session_id=args.session, kind=args.kind, language=args.language,
                                                 gemeente=args.gemeente)
    if args.json:
        print_json([c.to_json() for c in found])
    else:
        print_table(["case", "gemeente", "person", "bsn", "kind", "language", "interpreter"],
                    [(c.case_id, c.gemeente, c.person_name, c.bsn, c.kind or "-", c.language or "-",
                      "ja" if c.needs_interpreter else "nee") for c in found])
    return 0


def add_parsers(sub) -> None:
    from .parser import _bounded

    group = sub.add_parser("sessions", help="group sessions: workshops and signing ceremonies with participants",
                           description="group sessions: workshops and signing ceremonies with participants")
    actions = group.add_subparsers(title="session commands", metavar="ACTION")

    def action(name, handler, help_text):
        p = actions.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)
        return p

    p = action("add", add, "plan a session; prints its id (JSON: {\"session_id\"})")
    p.add_argument("--kind", required=True, choices=["workshop", "ceremonie"], help="workshop or ceremonie")
    p.add_argument("--title", required=True)
    p.add_argument("--at", required=True, help="date and time, ISO 8601 (without offset: Dutch time)")
    p.add_argument("--dagdelen", type=_bounded(int, 1, 20), default=1, help="duration in dagdelen (default 1)")
    p.add_argument("--capacity", type=_bounded(int, 1, 500), required=True, help="places")
    p.add_argument("--language", action="append", default=[], required=True,
                   help="language of the session; may repeat")
    p.add_argument("--interpreter", metavar="TYPE",
                   help="interpreter type (professioneel, telefonisch, video, informeel, ervaringsdeskundige)")
    p.add_argument("--interpreter-language", metavar="LANGUAGE", help="the language the interpreter speaks")
    p.add_argument("--interpreter-booked", action="store_true", help="the interpreter is booked")
    p.add_argument("--gemeente", action="append", default=[], required=True,
                   help="gemeente it serves (CBS code); repeat for a regional session")
    p.add_argument("--place", help="where")
    p.add_argument("--executor", default="gemeente",
                   help="who runs it: gemeente (default) or an outside organisation (as in uitvoerder:ORG)")
    p.add_argument("--official", help="the signing official of a ceremonie (a name, not a user)")
    p = action("list", listing, "list sessions by date with fill level, language and interpreter")
    p.add_argument("--gemeente", help="only sessions serving this gemeente")
    p.add_argument("--kind", choices=["workshop", "ceremonie"])
    p.add_argument("--status", choices=["gepland", "gehouden", "geannuleerd"])
    p = action("show", show, "show a session with its participants")
    p.add_argument("session_id", metavar="ID")
    p = action("enrol", enrol, "enrol cases into a session; each case's process receives sessie_gepland "
               "(all or nothing: exit 2 when one does not fit)")
    p.add_argument("session_id", metavar="ID")
    p.add_argument("cases", nargs="+", metavar="CASE")
    p = action("attendance", attendance, "register attendance once for the whole session; each case's "
               "process receives sessie_afgerond")
    p.add_argument("session_id", metavar="ID")
    p.add_argument("--present", nargs="+", action="extend", default=[], metavar="CASE")
    p.add_argument("--absent", nargs="+", action="extend", default=[], metavar="CASE", help="no-show")
    p.add_argument("--excused", nargs="+", action="extend", default=[], metavar="CASE", help="afgemeld")
    p.add_argument("--refused", nargs="+", action="extend", default=[], metavar="CASE",
                   help="ceremonie: came but did not sign (geweigerd)")
    p = action("cancel", cancel, "cancel a session: its participants go back to 'to be planned'")
    p.add_argument("session_id", metavar="ID")
    p.add_argument("--reason", required=True)
    p = action("move", move, "move a case from one session to another in one action")
    p.add_argument("case_id", metavar="CASE")
    p.add_argument("--from", dest="from_session", required=True, metavar="ID")
    p.add_argument("--to", dest="to_session", required=True, metavar="ID")
    p = action("candidates", candidates, "cases waiting to be planned (with --session: those that fit it)")
    p.add_argument("--session", metavar="ID", help="only cases that fit this session")
    p.add_argument("--kind", choices=["workshop", "ceremonie"])
    p.add_argument("--language", help="only this voertaal")
    p.add_argument("--gemeente", help="only this gemeente")
