"""A beheerder of some gemeenten manages users only within them, and regions not at all (a region is the
reach of every grant naming it). Refusals exit 4 and change nothing; bad options exit 2."""
from __future__ import annotations

import pytest
from test_rights import RECHTEN, state


@pytest.fixture
def local_admin(cli):
    """`lokaal` manages GM0001; `anna` works in GM0001, `ruud` in GM0014, `gerda` everywhere."""
    cli.ok("deploy", RECHTEN)  # its lanes are the roles
    cli.ok("regions", "add", "noord", "--gemeente", "GM0001", "--gemeente", "GM0002")
    cli.ok("users", "add", "lokaal", "--role", "beheerder", "--gemeente", "GM0001")
    cli.ok("users", "add", "anna", "--role", "klantmanager", "--role", "auditor", "--gemeente", "GM0001")
    cli.ok("users", "add", "ruud", "--role", "klantmanager", "--gemeente", "GM0014")
    cli.ok("users", "add", "gerda", "--role", "coordinator", "--all")
    return cli


def grants(cli, name: str) -> list[dict]:
    return next(u["grants"] for u in cli.ok("users", "list") if u["name"] == name)


def test_a_local_beheerder_removes_only_users_within_its_gemeenten(local_admin, db_url):
    cli = local_admin
    before = state(db_url)
    for target in ("ruud", "gerda"):
        refused = cli("users", "remove", target, user="lokaal")
        assert refused.code == 4 and "outside the gemeenten this beheerder manages" in refused.err, refused.err
    assert cli("users", "remove", "gerda", "--role", "coordinator", user="lokaal").code == 4
    assert state(db_url) == before
    assert cli.ok("users", "remove", "anna", "--role", "auditor", user="lokaal") == {
        "user": "anna", "removed": ["auditor"]}
    assert [g["role"] for g in grants(cli, "anna")] == ["klantmanager"]
    cli.ok("users", "remove", "anna", user="lokaal")
    assert "anna" not in {u["name"] for u in cli.ok("users", "list")}


def test_a_local_beheerder_may_not_change_regions(local_admin, db_url):
    cli = local_admin
    before = state(db_url)
    widened = cli("regions", "add", "noord", "--gemeente", "GM0014", user="lokaal")
    assert widened.code == 4 and "region is managed by a beheerder of every gemeente" in widened.err
    assert cli("regions", "add", "eigen", "--gemeente", "GM0001", user="lokaal").code == 4
    assert cli("regions", "remove", "noord", user="lokaal").code == 4
    assert state(db_url) == before
    assert cli.ok("regions", "list") == {"noord": ["GM0001", "GM0002"]}


def test_a_repeated_option_grants_once_and_a_role_not_held_is_named(local_admin):
    cli = local_admin
    cli.ok("users", "add", "piet", "--role", "klantmanager", "--role", "klantmanager",
           "--gemeente", "GM0001", "--gemeente", "GM0001")
    assert [(g["role"], g["scope"]) for g in grants(cli, "piet")] == [
        ("klantmanager", "GM0001")]
    for role in ("klantmanagr", "coordinator"):
        bad = cli("users", "remove", "piet", "--role", role)
        assert bad.code == 2 and f"--role: user 'piet' has no role '{role}'" in bad.err, bad.err
    assert [g["role"] for g in grants(cli, "piet")] == ["klantmanager"]
