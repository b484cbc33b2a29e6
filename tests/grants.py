"""The test user and its grants, in their own module: `conftest` names two modules in this tree
(tests/ and tests/tui/), so helpers imported at test time must not live in one."""
from __future__ import annotations

import tempfile
from pathlib import Path

from engine.service import build_engine
from engine.settings import Settings

# The test user's grants: administrator, designer and auditor everywhere, and through the test policy's
# `allround` role every lane of every process (tests draw many lanes). Rights tests make their own users.
TEST_USER = "tester"
TEST_POLICY = """
[roles.allround]
abilities = ["task.list", "task.view", "task.complete", "task.claim", "task.takeover",
             "case.list", "case.view", "case.start", "process.list", "message.send",
             "external.work", "external.list", "case.note", "incident.list", "case.retry", "case.cancel",
             "session.view", "session.plan", "session.attend"]
lanes = ["*"]
"""
TEST_ROLES = ("beheerder", "ontwerper", "auditor", "allround")
TEST_POLICY_PATH = Path(tempfile.mkdtemp(prefix="traject-test-policy-")) / "policy.toml"
TEST_POLICY_PATH.write_text(TEST_POLICY, encoding="utf-8")


def grant_test_user(url: str, user: str = TEST_USER) -> None:
    """Make `user` a known user with TEST_ROLES everywhere (the first user of a fresh database)."""
    engine = build_engine(Settings(db_url=url, user=TEST_USER, policy_path=TEST_POLICY_PATH))
    try:
        engine.add_user(user, TEST_ROLES, everywhere=True)
    finally:
        engine.db.dispose()


def settings_for(db_url: str, user: str = TEST_USER, **kwargs) -> Settings:
    """Settings for an engine acting as a known test user (granted TEST_ROLES first)."""
    grant_test_user(db_url, user)
    return Settings(db_url=db_url, user=user, policy_path=TEST_POLICY_PATH, **kwargs)


