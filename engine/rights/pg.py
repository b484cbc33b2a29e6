"""PostgreSQL side of rights: who the session is, login roles, privileges and row-level security.

On PostgreSQL each person connects with their own role (authentication is PostgreSQL's job); the engine
takes the session user as the acting user. Row-level security is the second wall: a caseworker's role,
even on a direct SQL connection, sees only the cases, work items and events of its gemeenten.
Every caseworker role is a member of `traject_user`; beheerders also of `traject_admin`.
"""
from __future__ import annotations

from sqlalchemy import text

USER_GROUP = "traject_user"
ADMIN_GROUP = "traject_admin"
# Tables only a beheerder's connection may change: changing them is changing who may see what.
DIRECTORY_TABLES = ("users", "grants", "regions", "region_gemeenten")
ROW_SECURED = ("cases", "work_items", "events")
# Roles that see no case rows by their grants alone (designers and administrators have no case data).
NO_CASE_DATA_ROLES = ("ontwerper", "beheerder")

MAY_SEE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION traject_may_see(g text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (
    SELECT 1 FROM grants gr
    WHERE gr.user_name = current_user
      AND gr.role NOT IN ({", ".join(f"'{r}'" for r in NO_CASE_DATA_ROLES)})
      AND (gr.scope_kind = 'all'
           OR (gr.scope_kind = 'gemeente' AND gr.scope = g)
           OR (gr.scope_kind = 'region' AND EXISTS (
                 SELECT 1 FROM region_gemeenten rg WHERE rg.region = gr.scope AND rg.gemeente = g))))
$$
"""


def session_identity(conn) -> tuple[str, bool]:
    """(session user, may impersonate): superusers and members of traject_admin may act as another user."""
    row = conn.execute(text(
        "SELECT session_user, r.rolsuper OR pg_has_role(session_user, :admin, 'MEMBER') "
        "FROM pg_roles r WHERE r.rolname = session_user"), {"admin": ADMIN_GROUP}).one()
    return row[0], bool(row[1])


# Roles live in the cluster, not in a database: two sessions creating or enrolling the same role at once
# fail ("tuple concurrently updated"), so role changes take this lock first (held until commit).
_ROLE_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('traject_roles'))")


def _ensure_group(conn, name: str) -> None:
    conn.execute(_ROLE_LOCK)
    conn.execute(text(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN "
        f"CREATE ROLE {name} NOLOGIN; END IF; END $$"))


def install_row_security(conn) -> None:
    """Called by the rights migration: the group roles, the visibility function and the policies."""
    _ensure_group(conn, USER_GROUP)
    _ensure_group(conn, ADMIN_GROUP)
    conn.execute(text(MAY_SEE_FUNCTION))
    for table in ("cases", "work_items"):
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"CREATE POLICY traject_scope ON {table} USING (traject_may_see(gemeente)) "
                          f"WITH CHECK (traject_may_see(gemeente))"))
    conn.execute(text("ALTER TABLE events ENABLE ROW LEVEL SECURITY"))
    # Events have no gemeente: a row is visible when its case is (the cases policy applies inside).
    conn.execute(text("CREATE POLICY traject_scope ON events "
                      "USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = events.case_id)) "
                      "WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = events.case_id))"))
    sync_privileges(conn)


def sync_privileges(conn) -> None:
    """Table privileges of the group roles on every table of the current schema (run after migrations,
    so tables that later migrations add are covered too)."""
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    q = f'"{schema}"'
    for group in (USER_GROUP, ADMIN_GROUP):
        conn.execute(text(f"GRANT USAGE ON SCHEMA {q} TO {group}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {q} TO {group}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q} TO {group}"))
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars()
    for table in tables:
        if table == "alembic_version":
            continue
        group = ADMIN_GROUP if table in DIRECTORY_TABLES else USER_GROUP
        conn.execute(text(f'GRANT INSERT, UPDATE, DELETE ON {q}."{table}" TO {group}'))


def ensure_login_role(conn, name: str, admin: bool) -> None:
    """Make `name` a login role in traject_user (and traject_admin for a beheerder). Creating a role needs
    CREATEROLE; without it an existing role is still enrolled."""
    conn.execute(_ROLE_LOCK)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    ident = '"' + name.replace('"', '""') + '"'
    if not exists:
        conn.execute(text(f"CREATE ROLE {ident} LOGIN"))
    conn.execute(text(f"GRANT {USER_GROUP} TO {ident}"))
    if admin:
        conn.execute(text(f"GRANT {ADMIN_GROUP} TO {ident}"))
