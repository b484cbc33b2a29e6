"""Run the `traject` command in-process, the way a user would type it."""
from __future__ import annotations

import json
from dataclasses import dataclass

from engine.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)


class Cli:
    def __init__(self, capsys, db_url: str, user: str = "tester", setup_user: bool = True):
        from grants import grant_test_user

        self.capsys = capsys
        self.db_url = db_url
        self.user = user
        if setup_user:  # the test user exists with its grants, as a beheerder would set it up
            grant_test_user(db_url, user)

    def __call__(self, *args: str, now: str | None = None, user: str | None = None) -> Result:
        argv = ["--db", self.db_url, "--user", user or self.user]
        if now:
            argv += ["--now", now]
        self.capsys.readouterr()
        code = main(argv + list(args))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def known(self, *users: str) -> None:
        """Put these users in the directory with the test user's grants (tests/conftest.py TEST_ROLES)."""
        from grants import grant_test_user

        for user in users:
            grant_test_user(self.db_url, user)

    def ok(self, *args: str, **kwargs):
        result = self(*args, "--json", **kwargs)
        assert result.code == 0, f"{args} exited {result.code}: {result.err}"
        return result.json
