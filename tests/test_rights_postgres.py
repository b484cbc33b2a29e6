"""PostgreSQL: the database login is the acting user, and row-level security is a second wall.

A caseworker's own PostgreSQL role, connecting directly with psycopg, sees only the rows of its gemeenten;
`--user` does not let that login act as someone else."""
from __future__ import annotations

import contextlib
import io
import json
import uuid

import psycopg
import pytest

from engine.cli import main

from conftest import TESTS

RECHTEN = str(TESTS / "bpmn" / "rechten")
PERSON = json.dumps({"naam": "Fatima el Amrani", "bsn": "111222333"})


@pytest.fixture
def pg(cli, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("row-level security and database logins are PostgreSQL's")
    role = f"km_{uuid.uuid4().hex[:10]}"
    cli.ok("deploy", RECHTEN)
    cli.ok("users", "add", role, "--role", "klantmanager", "--gemeente", "GM0001")  # creates the login role
    for gemeente in ("GM0001", "GM0014"):
        cli.ok("start", "rechten", "--gemeente", gemeente, "--data", PERSON)
    yield cli, role, db_url.replace("postgres@", f"{role}@", 1)
    with psycopg.connect(_dsn(db_url), autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def run(url: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", url, *args])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_caseworkers_own_login_sees_only_its_gemeenten_rows(pg):
    cli, role, url = pg
    with psycopg.connect(_dsn(url)) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == role
        assert {r[0] for r in conn.execute("SELECT gemeente FROM cases")} == {"GM0001"}
        assert {r[0] for r in conn.execute("SELECT gemeente FROM work_items")} == {"GM0001"}
        case_ids = {r[0] for r in conn.execute("SELECT case_id FROM events")}
        assert case_ids == {r[0] for r in conn.execute("SELECT id FROM cases")}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO grants (user_name, role, scope_kind, scope, created_at, created_by) "
                         f"VALUES ('{role}', 'klantmanager', 'all', '*', now(), '{role}')")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_login_acts_and_user_does_not_change_who(pg):
    cli, role, url = pg
    code, out, _ = run(url, "whoami", "--json")
    assert code == 0 and json.loads(out)["name"] == role
    code, out, _ = run(url, "tasks", "--json")
    assert code == 0 and {t["gemeente"] for t in json.loads(out)} == {"GM0001"}
    code, _, err = run(url, "--user", "tester", "tasks")
    assert code == 4 and err.startswith(f"not allowed: {role} may not act as tester")
    code, _, err = run(url, "--user", "tester", "deploy", RECHTEN)
    assert code == 4
    denied = cli.ok("access-log", "--type", "access_denied", "--actor", role)
    assert [d["action"] for d in denied] == ["impersonate", "impersonate"]  # one entry per refused command


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_row_security_covers_group_sessions_and_their_participants(pg):
    cli, role, url = pg
    common = ["--kind", "workshop", "--at", "2026-03-10T09:30", "--capacity", "5", "--language", "nl"]
    own = cli.ok("sessions", "add", "--title", "Eigen", "--gemeente", "GM0001", *common)["session_id"]
    regional = cli.ok("sessions", "add", "--title", "Regio", "--gemeente", "GM0014", "--gemeente", "GM0001",
                      *common)["session_id"]
    cli.ok("sessions", "add", "--title", "Elders", "--gemeente", "GM0014", *common)
    with psycopg.connect(_dsn(url)) as conn:
        assert {r[0] for r in conn.execute("SELECT id FROM group_sessions")} == {own, regional}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO group_sessions (id, kind, title, starts_at, dagdelen, languages, "
                         "interpreter_booked, capacity, executor, gemeenten, status, created_at, created_by, "
                         "updated_at) VALUES ('x', 'workshop', 'x', now(), 1, '[]', false, 1, 'gemeente', "
                         "',GM0014,', 'gepland', now(), 'x', now())")


def _drop_roles(url: str, *roles: str) -> None:
    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        for each in roles:
            conn.execute(f'DROP OWNED BY "{each}"')
            conn.execute(f'DROP ROLE IF EXISTS "{each}"')


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_local_beheerder_manages_its_gemeente_with_its_own_login_and_nothing_more(cli, db_url):
    suffix = uuid.uuid4().hex[:8]
    local, colleague, newcomer = f"beh_{suffix}", f"km_{suffix}", f"new_{suffix}"
    cli.ok("deploy", RECHTEN)
    cli.ok("users", "add", local, "--role", "beheerder", "--gemeente", "GM0001")
    with psycopg.connect(_dsn(db_url), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{colleague}" LOGIN')  # the database administrator made the login
        admin_member = conn.execute("SELECT pg_has_role(%s, 'traject_admin', 'MEMBER')", (local,)).fetchone()[0]
    url = db_url.replace("postgres@", f"{local}@", 1)
    try:
        assert not admin_member  # traject_admin may act as anyone: only a beheerder of every gemeente
        code, _, err = run(url, "users", "add", colleague, "--role", "klantmanager", "--gemeente", "GM0001")
        assert code == 0, err
        code, _, err = run(url, "users", "add", newcomer, "--role", "klantmanager", "--gemeente", "GM0001")
        assert code == 4 and f"may not create the PostgreSQL role '{newcomer}'" in err and "CREATE ROLE" in err
        code, _, err = run(url, "users", "add", newcomer, "--role", "klantmanager", "--gemeente", "GM0014")
        assert code == 4 and "outside the gemeenten this beheerder manages" in err
        assert newcomer not in {u["name"] for u in cli.ok("users", "list")}
        with psycopg.connect(_dsn(url)) as conn:  # around the engine, straight at the tables
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO grants (user_name, role, scope_kind, scope, created_at, created_by) "
                             "VALUES (%s, 'coordinator', 'all', '*', now(), %s)", (colleague, local))
        with psycopg.connect(_dsn(url)) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM access_log")
        with psycopg.connect(_dsn(url)) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE access_log SET outcome = 'ok'")
        with psycopg.connect(_dsn(url)) as conn:
            assert conn.execute("UPDATE installation SET value = 'x' WHERE name = 'audit_key'").rowcount == 0
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM installation")
        assert cli("audit", "verify", "--all").code == 0
        assert cli("access-log", "--verify").code == 0
    finally:
        _drop_roles(db_url, colleague, local)
