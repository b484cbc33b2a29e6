"""The `traject` command: a thin translator from arguments to Engine calls and back.

Errors are typed in the engine and translated here only: exit 1 findings or failure, 2 invalid input,
3 conflict; never a traceback for an expected error.
"""
from __future__ import annotations

import os
import sys

from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
    return code or 0


def _settings(args):
    from ..clock import parse_now
    from ..errors import InvalidInput
    from ..settings import Settings

    try:
        now = parse_now(args.now) if args.now else None
    except ValueError:
        raise InvalidInput(f"--now: '{args.now}' is not an ISO-8601 date-time") from None
    from pathlib import Path

    policy = Path(args.policy) if args.policy else None
    return Settings.from_env(os.environ, db_url=args.db, user=args.user, now=now, policy_path=policy)


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
