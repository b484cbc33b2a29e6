"""PostgreSQL side of rights: who the session is, login roles, privileges and row-level security.

On PostgreSQL each person connects with their own role (authentication is PostgreSQL's job); the engine
takes the session user as the acting user. Row-level security is the second wall: a caseworker's role,
even on a direct SQL connection, sees only the cases, work items and events of its gemeenten.
Every caseworker role is a member of `traject_user`; a beheerder of every gemeente (`--all`) also of
`traject_admin`, which may act as anyone. A beheerder of some gemeenten stays in `traject_user`: row-level
security on the directory lets its login write only grants within its gemeenten (traject_manages).
The access log is append-only for both groups. The audit key in `installation` cannot be changed or
removed by them; they can read it, because the engine computes the chain's HMAC on their connection
(moving the HMAC into the database would close that, and is left for later).
"""
from __future__ import annotations

from sqlalchemy import text

USER_GROUP = "traject_user"
ADMIN_GROUP = "traject_admin"
# Tables only a beheerder's connection may change: changing them is changing who may see what.
DIRECTORY_TABLES = ("users", "grants", "regions", "region_gemeenten")
ROW_SECURED = ("cases", "work_items", "events", "group_sessions", "session_participants")
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


MANAGES_FUNCTION = """
CREATE OR REPLACE FUNCTION traject_manages(kind text, target text) RETURNS boolean LANGUAGE sql STABLE AS $$
  WITH mine AS (
    SELECT b.scope_kind, b.scope FROM grants b WHERE b.user_name = current_user AND b.role = 'beheerder'),
  managed AS (
    SELECT scope AS gemeente FROM mine WHERE scope_kind = 'gemeente'
    UNION SELECT rg.gemeente FROM mine JOIN region_gemeenten rg ON mine.scope_kind = 'region'
                                                              AND rg.region = mine.scope)
  SELECT EXISTS (SELECT 1 FROM mine WHERE scope_kind = 'all')
      OR (kind = 'gemeente' AND target IN (SELECT gemeente FROM managed))
      OR (kind = 'region' AND EXISTS (SELECT 1 FROM region_gemeenten WHERE region = target)
          AND NOT EXISTS (SELECT 1 FROM region_gemeenten WHERE region = target
                          AND gemeente NOT IN (SELECT gemeente FROM managed)))
$$
"""
IS_BEHEERDER = "EXISTS (SELECT 1 FROM grants b WHERE b.user_name = current_user AND b.role = 'beheerder')"
# Rows of `installation` the engine changes as it runs (the newest case; the export pseudonym key, made
# on first use). Every other row, the audit key above all, stays as the migration wrote it.
CHANGING_INSTALLATION_ROWS = "name IN ('last_case', 'pseudonym_key')"


def _policies(conn, table: str, policies: dict[str, str]) -> None:
    """Replace `table`'s traject policies (idempotent: run again after every migration)."""
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    for command, clause in policies.items():
        name = f"traject_{command.lower()}"
        conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
        conn.execute(text(f"CREATE POLICY {name} ON {table} FOR {command} {clause}"))


def install_directory_security(conn) -> None:
    """Who may write the directory and the installation row, whatever the connection's table privileges."""
    conn.execute(text(MANAGES_FUNCTION))
    manages = "traject_manages(scope_kind, scope)"
    _policies(conn, "grants", {"SELECT": "USING (true)", "INSERT": f"WITH CHECK ({manages})",
                               "UPDATE": f"USING ({manages}) WITH CHECK ({manages})", "DELETE": f"USING ({manages})"})
    _policies(conn, "users", {"SELECT": "USING (true)", "INSERT": f"WITH CHECK ({IS_BEHEERDER})",
                              "DELETE": f"USING ({IS_BEHEERDER} AND NOT EXISTS "
                                        "(SELECT 1 FROM grants g WHERE g.user_name = users.name))"})
    _policies(conn, "installation", {"SELECT": "USING (true)",
                                     "INSERT": f"WITH CHECK ({CHANGING_INSTALLATION_ROWS})",
                                     "UPDATE": f"USING ({CHANGING_INSTALLATION_ROWS}) "
                                               f"WITH CHECK ({CHANGING_INSTALLATION_ROWS})"})


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


def install_owner_only(conn, table: str, owner_column: str) -> None:
    """A personal table (saved filters): a login role sees and writes its own rows only; administrators,
    who may act as another user, see all."""
    _ensure_group(conn, USER_GROUP)
    _ensure_group(conn, ADMIN_GROUP)
    rule = f'("{owner_column}" = current_user OR pg_has_role(current_user, \'{ADMIN_GROUP}\', \'MEMBER\'))'
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"CREATE POLICY traject_owner ON {table} USING {rule} WITH CHECK {rule}"))


def install_session_security(conn) -> None:
    """Called by the group-sessions migration (0010). A session is visible when any gemeente it serves is
    (its `gemeenten` column, ",GM0001,GM0002,"); a participant row when its case's gemeente is, so a
    coordinator of one gemeente sees a regional session but only the participants of its own cases."""
    conn.execute(text("""
CREATE OR REPLACE FUNCTION traject_may_see_any(gs text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM unnest(string_to_array(trim(both ',' from gs), ',')) g
                 WHERE g <> '' AND traject_may_see(g))
$$"""))
    conn.execute(text("ALTER TABLE group_sessions ENABLE ROW LEVEL SECURITY"))
    conn.execute(text("CREATE POLICY traject_scope ON group_sessions USING (traject_may_see_any(gemeenten)) "
                      "WITH CHECK (traject_may_see_any(gemeenten))"))
    conn.execute(text("ALTER TABLE session_participants ENABLE ROW LEVEL SECURITY"))
    conn.execute(text("CREATE POLICY traject_scope ON session_participants USING (traject_may_see(gemeente)) "
                      "WITH CHECK (traject_may_see(gemeente))"))


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
    groups = f"{USER_GROUP}, {ADMIN_GROUP}"
    # a local beheerder adds and removes users and grants (row security keeps it to its gemeenten)
    for table in ("users", "grants"):
        conn.execute(text(f'GRANT INSERT, DELETE ON {q}."{table}" TO {USER_GROUP}'))
    conn.execute(text(f'REVOKE UPDATE, DELETE ON {q}."access_log" FROM {groups}'))  # append-only
    conn.execute(text(f'REVOKE DELETE ON {q}."installation" FROM {groups}'))


def login_role_refusal(conn, name: str, admin: bool, beheerder: bool = False) -> str | None:
    """Why this connection cannot make `name` a login role in the groups, or None. Asked before changing
    anything: a PostgreSQL error would abort the command's transaction."""
    exists = _exists(conn, name)
    member = exists and _member(conn, name, USER_GROUP)
    creates, grants_user, grants_admin = conn.execute(text(
        "SELECT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user), "
        "pg_has_role(current_user, :user, 'MEMBER WITH ADMIN OPTION'), "
        "pg_has_role(current_user, :admin, 'MEMBER WITH ADMIN OPTION')"),
        {"user": USER_GROUP, "admin": ADMIN_GROUP}).one()
    hint = (f"; a database administrator can: CREATE ROLE \"{name}\" LOGIN; GRANT {USER_GROUP} TO \"{name}\""
            + (f"; GRANT {ADMIN_GROUP} TO \"{name}\"" if admin else ""))
    if not exists and not creates:
        return f"this database login may not create the PostgreSQL role '{name}'" + hint
    if ((not member or beheerder) and not (creates or grants_user)) or (admin and not (creates or grants_admin)):
        return f"this database login may not enrol the PostgreSQL role '{name}' in {USER_GROUP}" + hint
    return None


def _member(conn, name: str, group: str) -> bool:
    return bool(conn.execute(text("SELECT pg_has_role(:n, :g, 'MEMBER')"), {"n": name, "g": group}).scalar())


def _exists(conn, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


def ensure_login_role(conn, name: str, admin: bool, beheerder: bool = False) -> None:
    """Make `name` a login role in traject_user (and traject_admin for a beheerder of every gemeente).
    A beheerder gets traject_user with ADMIN OPTION, so it can enrol the existing roles of the users it
    adds. Call login_role_refusal first."""
    conn.execute(_ROLE_LOCK)
    ident = '"' + name.replace('"', '""') + '"'
    if not _exists(conn, name):
        conn.execute(text(f"CREATE ROLE {ident} LOGIN"))
    if beheerder:
        conn.execute(text(f"GRANT {USER_GROUP} TO {ident} WITH ADMIN OPTION"))
    elif not _member(conn, name, USER_GROUP):
        conn.execute(text(f"GRANT {USER_GROUP} TO {ident}"))
    if admin:
        conn.execute(text(f"GRANT {ADMIN_GROUP} TO {ident}"))
