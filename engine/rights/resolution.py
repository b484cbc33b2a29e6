"""Who the acting user is: their grants, regions expanded to gemeenten. Every command's first read, in
SQLAlchemy Core on the command's connection (the ORM is not imported by the read commands, issue 14)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select

from ..store import schema
from ..store.db import connection_of
from .policy import Policy
from .principal import Grant, Principal

_users, _grants, _members = schema.users, schema.grants, schema.region_gemeenten

# Built once, run on the command's connection (no ORM execution layer).
_USER_GRANTS = (select(_users.c.name, _grants.c.role, _grants.c.scope_kind, _grants.c.scope)
                .outerjoin(_grants, _grants.c.user_name == _users.c.name).where(_users.c.name == bindparam("name")))


def resolve(executor, name: str, policy: Policy, impersonated_by: str | None = None) -> Principal:
    """The user and their grants: one query, two with region grants. `executor`: a Connection or a Session."""
    conn = connection_of(executor)
    rows = conn.execute(_USER_GRANTS, {"name": name}).all()
    if not rows:
        return Principal(name, (), policy, known=False, impersonated_by=impersonated_by)
    regions = {scope for _, _, kind, scope in rows if kind == "region"}
    members = region_members(conn, regions) if regions else {}
    grants = tuple(_grant(role, kind, scope, members) for _, role, kind, scope in rows if role is not None)
    return Principal(name, grants, policy, known=True, impersonated_by=impersonated_by)


def region_members(executor, regions: Iterable[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    query = select(_members.c.region, _members.c.gemeente).where(_members.c.region.in_(list(regions)))
    for region, gemeente in connection_of(executor).execute(query):
        found.setdefault(region, set()).add(gemeente)
    return found


def _grant(role: str, kind: str, scope: str, members: dict[str, set[str]]) -> Grant:
    if kind == "all":
        return Grant(role, kind, scope, None)
    if kind == "region":
        return Grant(role, kind, scope, frozenset(members.get(scope, ())))
    return Grant(role, kind, scope, frozenset({scope}))
