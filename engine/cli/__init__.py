"""The `traject` command: a thin translator from arguments to Engine calls and back.

Errors are typed in the engine and translated here only: exit 1 findings or failure, 2 invalid input,
3 conflict; never a traceback for an expected error.
"""
from __future__ import annotations

import os
import sys

from . import collector
from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    collector.pause()  # until the engine is built (engine/cli/collector.py)
    try:
        return _main(argv)
    finally:
        collector.imports_done()  # a command that built no engine; and main() called in-process (tests)


def _main(argv: list[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    parser = build_parser(arguments)
    problem = _undecodable_argument(arguments)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        args = parser.parse_args(arguments)
    except SystemExit as done:  # --help, or a bad argument (one line printed already): its exit code
        return done.code if isinstance(done.code, int) else 2
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from ..errors import EngineError

    args.json = getattr(args, "json", False) or args.global_json

    try:
        settings = _settings(args)
        code = args.handler(args, settings)
    except EngineError as err:
        _print_error(err)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - see _unexpected
        return _unexpected(err)
    return code or 0


def _settings(args):
    from pathlib import Path

    from ..errors import InvalidInput
    from ..inputs import MAX_NAME, check_text, parse_clock
    from ..settings import Settings

    for option in ("db", "user", "now", "policy"):  # given but empty: a mistake, not "use the default"
        if getattr(args, option) is not None and not getattr(args, option).strip():
            raise InvalidInput(f"--{option}: empty; leave the option out for the default")
    now = parse_clock(args.now) if args.now else None
    policy = Path(args.policy) if args.policy else None
    settings = Settings.from_env(os.environ, db_url=args.db, user=args.user, now=now, policy_path=policy)
    check_text(settings.user, "--user (or TRAJECT_USER)", MAX_NAME)
    return settings


def _undecodable_argument(argv: list[str]) -> str | None:
    """An argument that is not valid UTF-8 (Python hands such bytes over as lone surrogates)."""
    from ..inputs import _encodable

    bad = next((a for a in argv if not _encodable(a)), None)
    if bad is None:
        return None
    shown = bad.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return f"error: argument '{shown[:80]}' is not valid UTF-8 text"


def _unexpected(err: Exception) -> int:
    """Last resort: an error nobody foresaw is one line, never a traceback (TRAJECT_TRACEBACK=1 shows it)."""
    if os.environ.get("TRAJECT_TRACEBACK") == "1":
        raise err
    first_line = (str(err).strip().splitlines() or [""])[0][:300]
    print(f"error: unexpected {type(err).__name__}: {first_line} (nothing was saved; "
          "set TRAJECT_TRACEBACK=1 to see where)", file=sys.stderr)
    return 1


def _print_error(err) -> None:
    from ..errors import FormInvalid, NotAllowed

    if isinstance(err, NotAllowed):
        print(str(err), file=sys.stderr)  # "not allowed: <user> may not <action> <resource>"
    elif isinstance(err, FormInvalid):
        print("form data is invalid:", file=sys.stderr)
        for path, message in err.errors:
            print(f"{path}: {message}", file=sys.stderr)
    else:
        print(f"error: {err}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
