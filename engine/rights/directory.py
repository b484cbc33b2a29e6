"""The user directory: users, their grants and regions, stored in the database."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound
from ..store.tables import DefinitionVersion, Region, RegionMember, User, UserGrant
from .policy import ALL, BUILT_IN, EXECUTOR_PREFIX, Policy
from .principal import Principal
from .resolution import region_members, resolve  # here too: the directory's functions use them

GEMEENTE_CODE = re.compile(r"GM\d{4}")  # the CBS code of a municipality
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


def is_empty(session: Session) -> bool:
    return session.scalar(select(User.name).limit(1)) is None


def users(session: Session, policy: Policy | None = None) -> list[Principal]:
    names = list(session.scalars(select(User.name).order_by(User.name)))
    return [resolve(session, name, policy or Policy()) for name in names]


def check_gemeente_code(code: str | None, what: str = "--gemeente", hint: str = "") -> str:
    """`code` when it is a CBS gemeente code (GM and 4 digits); InvalidInput naming `what` otherwise."""
    if not GEMEENTE_CODE.fullmatch(code or ""):
        raise InvalidInput(f"{what}: '{(code or '')[:30]}' is not a CBS gemeente code (GM followed by 4 digits, "
                           f"e.g. GM0363){hint}")
    return code


def scopes(session: Session, gemeenten: Sequence[str], regions: Sequence[str], everywhere: bool,
           force: bool) -> list[tuple[str, str]]:
    """(scope_kind, scope) for the --gemeente/--region/--all options, each checked."""
    found = [("all", ALL)] if everywhere else []
    for code in gemeenten:
        if not force:
            check_gemeente_code(code, hint="; use --force to grant it anyway")
        if len(code) > 20:
            raise InvalidInput(f"--gemeente: '{code[:30]}...' is longer than 20 characters")
        found.append(("gemeente", code))
    for region in regions:
        if session.get(Region, region) is None:
            raise NotFound(f"--region: region '{region}' does not exist (traject regions add {region} "
                           "--gemeente GM0000 ...)")
        found.append(("region", region))
    if not found:
        raise InvalidInput("say where the roles apply: --gemeente CODE, --region REGIO or --all")
    return found


def check_roles(session: Session, roles: Sequence[str], policy: Policy, force: bool) -> None:
    if not roles:
        raise InvalidInput("give at least one --role")
    known = known_roles(session, policy)
    for role in roles:
        if not role or len(role) > 100:
            raise InvalidInput(f"--role: '{role[:40]}' is not a role name")
        if not force and role not in known and not role.startswith(EXECUTOR_PREFIX):
            raise InvalidInput(f"--role: no deployed process has a lane '{role}' and it is not a built-in role "
                               f"(known: {', '.join(sorted(known))}); use --force to grant it anyway")
        if role.startswith(EXECUTOR_PREFIX) and not role[len(EXECUTOR_PREFIX):]:
            raise InvalidInput("--role: an outside executor is named uitvoerder:ORGANISATIE")


def known_roles(session: Session, policy: Policy) -> set[str]:
    """Built-in roles, roles of the policy file, and every lane of every deployed process version."""
    return set(BUILT_IN) | set(policy.roles) | deployed_lanes(session)


def deployed_lanes(session: Session) -> set[str]:
    lanes: set[str] = set()
    for specs in session.scalars(select(DefinitionVersion.specs)):
        _collect_lanes(specs, lanes)
    return lanes


def _collect_lanes(value, lanes: set[str]) -> None:
    if isinstance(value, dict):
        lane = value.get("lane")
        if isinstance(lane, str) and lane:
            lanes.add(lane)
        for item in value.values():
            _collect_lanes(item, lanes)
    elif isinstance(value, list):
        for item in value:
            _collect_lanes(item, lanes)


def add_grants(session: Session, name: str, roles: Sequence[str], scopes_: Sequence[tuple[str, str]],
               by: str, now: datetime) -> None:
    if not NAME.fullmatch(name or ""):
        raise InvalidInput(f"user name '{(name or '')[:40]}' is not valid: letters, digits and . _ @ - "
                           "(at most 100), starting with a letter or digit")
    if session.get(User, name) is None:
        session.add(User(name=name, created_at=now))
        session.flush()
    existing = set(session.execute(select(UserGrant.role, UserGrant.scope_kind, UserGrant.scope)
                                   .where(UserGrant.user_name == name)).all())
    for role in roles:
        for kind, scope in scopes_:
            if (role, kind, scope) not in existing:
                session.add(UserGrant(user_name=name, role=role, scope_kind=kind, scope=scope,
                                      created_at=now, created_by=by))


def grant_scopes(session: Session, name: str) -> list[tuple[str, str, str]]:
    """(role, scope_kind, scope) of each of the user's grants."""
    if session.get(User, name) is None:
        raise NotFound(f"user '{name}' does not exist")
    query = select(UserGrant.role, UserGrant.scope_kind, UserGrant.scope).where(UserGrant.user_name == name)
    return [tuple(row) for row in session.execute(query)]


def remove(session: Session, name: str, roles: Sequence[str]) -> None:
    if session.get(User, name) is None:
        raise NotFound(f"user '{name}' does not exist")
    if roles:
        session.execute(delete(UserGrant).where(UserGrant.user_name == name, UserGrant.role.in_(list(roles))))
    else:
        session.execute(delete(UserGrant).where(UserGrant.user_name == name))
        session.execute(delete(User).where(User.name == name))


def add_region(session: Session, name: str, gemeenten: Sequence[str], now: datetime, force: bool) -> None:
    if not NAME.fullmatch(name or ""):
        raise InvalidInput(f"region name '{(name or '')[:40]}' is not valid: letters, digits and . _ @ -")
    if not gemeenten:
        raise InvalidInput("a region needs at least one --gemeente")
    scopes(session, gemeenten, (), False, force)  # checks the codes
    if session.get(Region, name) is None:
        session.add(Region(name=name, created_at=now))
        session.flush()
    have = set(session.scalars(select(RegionMember.gemeente).where(RegionMember.region == name)))
    for code in dict.fromkeys(gemeenten):
        if code not in have:
            session.add(RegionMember(region=name, gemeente=code))


def remove_region(session: Session, name: str) -> None:
    if session.get(Region, name) is None:
        raise NotFound(f"region '{name}' does not exist")
    if session.scalar(select(UserGrant.id).where(UserGrant.scope_kind == "region", UserGrant.scope == name)
                      .limit(1)):
        raise InvalidInput(f"region '{name}' is the scope of grants; remove those first (traject users list)")
    session.execute(delete(RegionMember).where(RegionMember.region == name))
    session.execute(delete(Region).where(Region.name == name))


def regions(session: Session) -> dict[str, list[str]]:
    names = list(session.scalars(select(Region.name).order_by(Region.name)))
    members = region_members(session, names) if names else {}
    return {n: sorted(members.get(n, ())) for n in names}
