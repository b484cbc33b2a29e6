"""Argument parsing for every `traject` command (each with help text)."""
from __future__ import annotations

import argparse

from . import commands


def _bounded(kind, low, high):
    """An argparse type: a number of `kind` between low and high, with a one-line error otherwise."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a {'whole ' if kind is int else ''}number") from None
        if not low <= value <= high:  # also refuses nan: every comparison with it is false
            raise argparse.ArgumentTypeError(f"{text} is not between {low} and {high}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in some messages
    return parse


COUNT = _bounded(int, 1, 1_000_000)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (no usage block before them); subcommands inherit it."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# The global options before the command that take a value (see build_parser).
_GLOBAL_VALUES = ("--db", "--user", "--now", "--policy")


def command_named(argv: list[str]) -> str | None:
    """The command `argv` names after the global options, or None when that is not plain to see (help, an
    abbreviated or unknown option, no command): then the whole parser is built."""
    tokens = iter(argv)
    for token in tokens:
        if token in _GLOBAL_VALUES:
            next(tokens, None)
        elif token == "--json" or token.startswith(tuple(name + "=" for name in _GLOBAL_VALUES)):
            continue
        elif token.startswith("-"):
            return None
        else:
            return token
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or, given the command line, of the one command it names: building all
    forty subparsers takes argparse about 35 ms, a seventh of a `traject tasks` (issue 14, start-up)."""
    wanted = command_named(argv) if argv is not None else None
    parser = _build(wanted)
    if wanted is not None and wanted not in parser.commands:  # a mistyped command: the full list in the error
        parser = _build(None)
    return parser


class _OneCommand:
    """The subcommands' `add_parser`, building only the `wanted` one (None: all); the others get an
    `_Unbuilt` that takes their arguments and keeps nothing."""

    def __init__(self, sub, wanted: str | None):
        self.sub, self.wanted = sub, wanted

    def add_parser(self, name, **kwargs):
        if self.wanted is not None and name != self.wanted:
            return _Unbuilt()
        return self.sub.add_parser(name, **kwargs)


class _Unbuilt:
    """Stands in for a parser, argument group or subparsers action that is not built: every call is a no-op."""

    def __getattr__(self, _name):
        return lambda *args, **kwargs: self


def _build(wanted: str | None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="traject", description="Traject: run the participatieverklaringstraject as BPMN processes.")
    parser.add_argument("--db", help="database URL (env TRAJECT_DB; default sqlite:///traject.db)")
    parser.add_argument("--user", help="acting user (env TRAJECT_USER; default the OS login)")
    parser.add_argument("--now", help="engine clock as ISO-8601, e.g. 2026-03-01T09:00:00+01:00")
    parser.add_argument("--policy", metavar="FILE",
                        help="rights policy of this installation, TOML or YAML (env TRAJECT_POLICY)")
    parser.add_argument("--json", dest="global_json", action="store_true",
                        help="print JSON (also accepted after the command)")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    parser.commands = subparsers.choices  # the commands built (all, or the one wanted)
    sub = _OneCommand(subparsers, wanted)

    def command(name, handler, help_text, json_flag=True):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        return p

    p = command("validate", commands.validate, "check BPMN/DMN files and their forms; exit 1 on problems")
    p.add_argument("paths", nargs="+", metavar="PATH", help="BPMN/DMN files or folders")
    p = command("deploy", commands.deploy, "validate and deploy BPMN/DMN files as new process versions")
    p.add_argument("paths", nargs="+", metavar="PATH", help="BPMN/DMN files or folders")
    command("processes", commands.processes, "list deployed processes (newest versions)")

    p = command("start", commands.start, "start a case of a deployed process")
    p.add_argument("process_id", metavar="PROCESS_ID")
    p.add_argument("--gemeente", required=True, help="municipality code, e.g. GM0363")
    p.add_argument("--data", help="start form data as JSON, or @FILE")

    p = command("tasks", commands.tasks, "list open tasks (sorted by due date)")
    p.add_argument("--case", help="only this case")
    p.add_argument("--gemeente", help="only this municipality")
    p.add_argument("--role", help="only this role (lane)")
    p.add_argument("--assignee", help="only tasks claimed by this user")
    p.add_argument("--limit", type=COUNT, help="at most this many rows")

    p = command("form", commands.form, "show the form (JSON Schema) and current data of an open task")
    p.add_argument("task_id", metavar="TASK_ID")
    p = command("complete", commands.complete, "complete an open task with form data")
    p.add_argument("task_id", metavar="TASK_ID")
    p.add_argument("--data", help="form data as JSON, or @FILE")
    p = command("claim", commands.claim, "claim an open task for the acting user")
    p.add_argument("task_id", metavar="TASK_ID")
    p.add_argument("--take-over", action="store_true",
                   help="take over a task someone else holds (coordinators; recorded as task_taken_over)")
    p = command("release", commands.release, "release a claimed task")
    p.add_argument("task_id", metavar="TASK_ID")

    p = command("show", commands.show, "show a case: state, data, open tasks and history")
    p.add_argument("case_id", metavar="CASE_ID")
    p = command("cases", commands.list_cases, "list cases (newest first)")
    p.add_argument("--gemeente", help="only this municipality")
    p.add_argument("--status", choices=["running", "completed", "error", "cancelled", "erased"],
                   help="only this status")
    p.add_argument("--search", help="part of the person's name, the whole BSN, or the start of the case id")

    p = command("assign", commands.assign, "give open tasks to a colleague holding their role, or release them")
    p.add_argument("task_ids", nargs="+", metavar="TASK_ID")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", metavar="NAME", help="the colleague who gets the tasks")
    who.add_argument("--release", action="store_true", help="release the tasks (nobody has them)")

    p = command("notitie", commands.note, "add a short note to a case's history (a correction is a new note)")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--corrects", type=int, metavar="SEQ", help="the seq of the earlier note this one corrects")

    p = command("incidents", commands.incidents, "list cases stopped by an incident, with the technical message")
    p.add_argument("--gemeente", help="only this municipality")

    p = command("worker", commands.worker, "fire due timers (and other due work)")
    p.add_argument("--once", action="store_true", help="do what is due now, then return")
    p.add_argument("--interval", type=_bounded(float, 0.1, 86_400), default=5.0,
                   help="seconds between polls (default 5)")

    p = command("test", commands.test, "run the scenario files (*.scenario.yaml) under PATH against its "
                "processes in a temporary database; print pass/fail and flow-node coverage; exit 1 on a failure")
    p.add_argument("path", nargs="?", default="processes", metavar="PATH",
                   help="folder with BPMN/DMN files and scenarios (default: processes)")
    p.add_argument("-k", dest="keyword", metavar="SUBSTRING", help="only scenarios whose name or file contains this")
    p.add_argument("--min-coverage", type=_bounded(float, 0, 100), metavar="N",
                   help="exit 1 if total node coverage is below N%%")

    from . import external, incidents

    external.add_parsers(sub, command)
    incidents.add_parsers(command)
    from . import report

    report.add_parser(command)
    report.add_plan_parser(command)
    from . import sessions

    sessions.add_parsers(sub)
    from . import privacy

    privacy.add_parsers(command)
    _users(sub)
    _regions(sub)
    command("whoami", commands.whoami, "show the acting user and their grants (role, scope)")
    p = command("access-log", commands.access_log, "show the access log: refusals, dossier reads and "
                "administrative commands (who, what, when, outcome)")
    p.add_argument("--limit", type=int, default=100, help="newest N entries (default 100)")
    p.add_argument("--actor", help="only this user")
    p.add_argument("--case", help="only entries about this case")
    p.add_argument("--type", help="only this type (access_denied, dossier_viewed, task_viewed, admin_command)")
    p.add_argument("--verify", action="store_true", help="check the log's hash chain; exit 1 on findings")
    p = command("tui", commands.tui, "open the caseworker app", json_flag=False)
    p = command("demo", commands.demo, "create a demo database with generated people", json_flag=False)
    p.add_argument("--people", type=_bounded(int, 0, 100_000), default=50,
                   help="number of generated cases (default 50)")
    p.add_argument("--fresh", action="store_true",
                   help="delete every case and deployed process first (default: keep an existing demo)")
    _audit(sub)
    return parser


def _users(sub) -> None:
    users = sub.add_parser("users", help="manage the user directory (roles per gemeente)",
                           description="manage the user directory (roles per gemeente)")
    users_sub = users.add_subparsers(title="user commands", metavar="ACTION")
    p = users_sub.add_parser("add", help="add a user, or grants to one: each --role in each scope",
                             description="add a user, or grants to one: each --role in each scope "
                             "(--gemeente, --region or --all). The first user of a database must be a beheerder.")
    p.add_argument("name")
    p.add_argument("--role", action="append", default=[],
                   help="a lane name (klantmanager, coordinator, ...), beheerder, ontwerper, auditor, worker "
                        "or uitvoerder:ORGANISATIE; may repeat")
    p.add_argument("--gemeente", action="append", default=[], help="CBS municipality code (GM0363); may repeat")
    p.add_argument("--region", action="append", default=[], help="a region (traject regions add); may repeat")
    p.add_argument("--all", action="store_true", help="every gemeente")
    p.add_argument("--force", action="store_true", help="accept a role no process knows or a non-CBS code")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=commands.users_add)
    p = users_sub.add_parser("list", help="list users", description="list users")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=commands.users_list)
    p = users_sub.add_parser("remove", help="remove a user, or only their grants of some roles",
                             description="remove a user, or only their grants of some roles")
    p.add_argument("name")
    p.add_argument("--role", action="append", default=[], help="only the grants of this role; may repeat")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=commands.users_remove)


def _regions(sub) -> None:
    regions = sub.add_parser("regions", help="manage regions (named sets of gemeenten, scopes of grants)",
                             description="manage regions (named sets of gemeenten, scopes of grants)")
    actions = regions.add_subparsers(title="region commands", metavar="ACTION")
    p = actions.add_parser("add", help="create a region or add gemeenten to it",
                           description="create a region or add gemeenten to it")
    p.add_argument("name", metavar="REGIO")
    p.add_argument("--gemeente", action="append", default=[], help="CBS municipality code; may repeat")
    p.add_argument("--force", action="store_true", help="accept a code that is not GM + 4 digits")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=commands.regions_add)
    p = actions.add_parser("list", help="list regions", description="list regions")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=commands.regions_list)
    p = actions.add_parser("remove", help="remove a region no grant uses", description="remove a region")
    p.add_argument("name", metavar="REGIO")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=commands.regions_remove)


def _audit(sub) -> None:
    from . import audit

    group = sub.add_parser("audit", help="verify, replay and export the audit trail of cases",
                           description="verify, replay and export the audit trail of cases")
    actions = group.add_subparsers(title="audit commands", metavar="ACTION")

    def action(name, handler, help_text):
        p = actions.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler)
        return p

    p = action("verify", audit.verify, "check every event's hash chain and replay each case on its own "
               "process version; print ok or the findings per case; exit 1 on any finding")
    p.add_argument("case_ids", nargs="*", metavar="CASE_ID", help="cases to verify")
    p.add_argument("--all", action="store_true", help="verify every case")
    p.add_argument("--jobs", type=_bounded(int, 1, 256), metavar="N",
                   help="worker processes (default: one per CPU for large runs, else 1)")
    p.add_argument("--anchor", metavar="FILE",
                   help="report every case whose history up to this anchor (traject audit anchor --out) changed")
    p = action("anchor", audit.anchor, "a Merkle root over every case's chain head and every definition "
               "version, with the time: keep it outside the database, check it with verify --anchor")
    p.add_argument("--out", metavar="FILE", help="write the anchor with its leaves to FILE")
    p = action("replay", audit.replay, "replay a case step by step (who did what and when, what changed); "
               "with --against, on another process version, showing where it would have diverged")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument("--against", metavar="VERSION",
                   help="a version number of the same process, or PROCESS_ID:VERSION")
    p = action("export", audit.export, "export case histories for process mining (XES or CSV), with case "
               "ids, users and person data pseudonymised")
    p.add_argument("--format", choices=["xes", "csv"], default="xes", help="file format (default xes)")
    p.add_argument("--out", required=True, metavar="FILE", help="file to write")
    p.add_argument("--gemeente", metavar="CODE", help="only cases of this municipality")
    p.add_argument("--since", metavar="DATE", help="only events from this date (ISO date or date-time)")
    p.add_argument("--include-data", action="store_true",
                   help="include form data (person fields pseudonymised; free text is exported as is)")
