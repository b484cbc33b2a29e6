"""Engine methods for the user directory, regions, the access log and the audit trail.

A mixin of Engine (engine/service.py) so each file keeps one concern; every method goes through
Guarded.command, like the case methods.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from .errors import InvalidInput, NotFound
from .rights import Principal, Resource, access_log, case_resource, directory
from .rights.policy import ABILITIES
from .store.tables import Case
from .views import AccessLogEntry, GrantInfo, UserInfo


class AdminMethods:
    # -- who am I -------------------------------------------------------------------------------
    def whoami(self) -> UserInfo:
        """The acting user and their grants; anyone may ask, known or not."""
        with self.db.transaction(write=False) as session:
            return user_view(self.principal(session))

    # -- users ------------------------------------------------------------------------------------
    def add_user(self, name: str, roles: Sequence[str], gemeenten: Sequence[str] = (),
                 regions: Sequence[str] = (), everywhere: bool = False, force: bool = False) -> UserInfo:
        """Grant each role in each scope. On a database without users this is the bootstrap: anyone may
        add the first user, who must be a beheerder."""
        self.db.allow_create()  # the first administrator is added before anything else exists
        with self.command(None, Resource(f"user {name}"), audit="users.manage") as (session, who):
            if directory.is_empty(session):
                if "beheerder" not in roles:
                    raise InvalidInput(f"the first user must be a beheerder: traject users add {name or 'NAME'} "
                                       "--role beheerder --all")
            else:
                who.require("users.manage", Resource(f"user {name}"))
            roles = list(dict.fromkeys(roles))  # `--role x --role x` grants x once
            directory.check_roles(session, roles, self.policy(), force)
            scopes = list(dict.fromkeys(directory.scopes(session, gemeenten, regions, everywhere, force)))
            self._check_within_admin_scope(session, who, scopes, name)
            on_postgres = not self.db.is_sqlite
            if on_postgres:  # asked before anything is written: a PostgreSQL error aborts the transaction
                from .rights.pg import ensure_login_role, login_role_refusal

                beheerder = "beheerder" in roles
                admin = beheerder and ("all", "*") in scopes  # traject_admin may act as anyone: `--all` only
                if refusal := login_role_refusal(session.connection(), name, admin, beheerder):
                    raise who.refusal("users.manage", Resource(f"user {name}"), f" ({refusal})")
            directory.add_grants(session, name, roles, scopes, who.name, self.clock())
            if on_postgres:
                ensure_login_role(session.connection(), name, admin, beheerder)
            session.flush()
            return user_view(directory.resolve(session, name, self.policy()))

    def principal_refusal(self, ability: str, resource: str):
        """A NotAllowed for the acting user (recorded in the access log), for checks made outside a command."""
        with self.db.transaction(write=False) as session:
            error = self.principal(session).refusal(ability, Resource(resource))
        self._record_refusal(error)
        return error

    def known_lanes(self) -> set[str]:
        """Every lane of every deployed process version (the roles a grant can name)."""
        with self.command("process.list", write=False) as (session, who):
            return directory.deployed_lanes(session)

    def _check_within_admin_scope(self, session, who: Principal, scopes, name: str) -> None:
        """A beheerder of some gemeenten grants only within them (a regional or `*` grant needs `*`)."""
        mine = who.gemeenten_with("users.manage")
        if mine is None or not who.known:
            return
        members = directory.region_members(session, [s for k, s in scopes if k == "region"])
        for kind, scope in scopes:
            inside = (kind == "gemeente" and scope in mine) or (kind == "region" and members.get(scope, set()) <= mine)
            if not inside:
                raise who.refusal("users.manage", Resource(f"user {name} in {scope}"),
                                  " (outside the gemeenten this beheerder manages)")

    @staticmethod
    def _check_manages_every_gemeente(who: Principal, ability: str, what: str) -> None:
        """A region is the reach of every grant that names it: changing one changes what others may see,
        in any gemeente, so it takes a beheerder of all of them (`--all`)."""
        if who.known and who.gemeenten_with(ability) is not None:
            raise who.refusal(ability, Resource(what), " (a region is managed by a beheerder of every gemeente, "
                                                       "granted with --all)")

    def remove_user(self, name: str, roles: Sequence[str] = ()) -> None:
        """Remove the user, or only these roles of theirs; a beheerder of some gemeenten only grants
        within them (whoever else holds a grant elsewhere stays as they are)."""
        roles = list(dict.fromkeys(roles))
        with self.command("users.manage", Resource(f"user {name}"), audit="users.manage") as (session, who):
            grants = directory.grant_scopes(session, name)
            held = sorted({role for role, _, _ in grants})
            if missing := [r for r in roles if r not in held]:
                raise InvalidInput(f"--role: user '{name}' has no role {', '.join(repr(r) for r in missing)} "
                                   f"(their roles: {', '.join(held) or 'none'}); nothing removed")
            removed = [(kind, scope) for role, kind, scope in grants if not roles or role in roles]
            self._check_within_admin_scope(session, who, sorted(set(removed)), name)
            directory.remove(session, name, roles)

    def list_users(self) -> list[UserInfo]:
        """Anyone may list an empty directory (first run); otherwise a beheerder."""
        with self.command(None, Resource("users"), write=False) as (session, who):
            if not directory.is_empty(session):
                who.require("users.list", Resource("users"))
            return [user_view(p) for p in directory.users(session, self.policy())]

    def get_user(self, name: str) -> UserInfo | None:
        """A user's grants: one's own always, anyone else's for a beheerder."""
        with self.command(None, Resource(f"user {name}"), write=False) as (session, who):
            if name != who.name:
                who.require("users.list", Resource(f"user {name}"))
            principal = who if name == who.name else directory.resolve(session, name, self.policy())
            return user_view(principal) if principal.known else None

    # -- regions ----------------------------------------------------------------------------------
    def add_region(self, name: str, gemeenten: Sequence[str], force: bool = False) -> dict[str, list[str]]:
        with self.command("regions.manage", Resource(f"region {name}"), audit="regions.manage") as (session, who):
            self._check_manages_every_gemeente(who, "regions.manage", f"region {name}")
            directory.add_region(session, name, gemeenten, self.clock(), force)
            session.flush()
            return {name: directory.regions(session)[name]}

    def remove_region(self, name: str) -> None:
        with self.command("regions.manage", Resource(f"region {name}"), audit="regions.manage") as (session, who):
            self._check_manages_every_gemeente(who, "regions.manage", f"region {name}")
            directory.remove_region(session, name)

    def list_regions(self) -> dict[str, list[str]]:
        with self.command("regions.list", Resource("regions"), write=False) as (session, who):
            return directory.regions(session)

    # -- access log -------------------------------------------------------------------------------
    def access_log(self, limit: int = 100, actor: str | None = None, case_id: str | None = None,
                   type: str | None = None) -> list[AccessLogEntry]:
        with self.command("access.read", Resource("the access log"), write=False) as (session, who):
            return [AccessLogEntry(e.id, e.at, e.type, e.actor, e.action, e.resource, e.outcome, e.case_id,
                                   e.message, e.via)
                    for e in access_log.entries(session, limit, actor, case_id, type,
                                                gemeenten=who.gemeenten_with("access.read"))]

    def verify_access_log(self) -> list[str]:
        with self.command("audit.verify", Resource("the access log"), write=False) as (session, who):
            return access_log.verify(session)

    # -- audit trail (engine/audit) ---------------------------------------------------------------
    def verify_cases(self, case_ids: Sequence[str] | None = None, progress=None, jobs: int | None = None) -> list:
        """Check the hash chain of every event and replay each case on its own definition version;
        every case in the auditor's scope when `case_ids` is None. Returns a CaseVerification per case,
        in id order. `progress(cases_done, cases_total, events_done)` is called as cases are done; `jobs`
        is the number of processes (None: one per CPU when there are many cases)."""
        from .audit import api, history

        label = f"{len(case_ids)} case(s)" if case_ids else "every case"
        with self.command("audit.verify", Resource(label), write=False) as (session, who):
            within = who.gemeenten_with("audit.verify")
            if case_ids:
                self._require_cases_in_scope(session, who, "audit.verify", case_ids)
                ids = list(dict.fromkeys(case_ids))
            else:
                ids = None if within is None else history.case_ids(session, within=within)
        with self.command("audit.verify", Resource(label), audit="audit.verify"):
            pass
        if ids == []:
            return []
        return api.verify_cases(self.db, self._spec_cache(), self._script_engine_factory, ids, progress, jobs)

    def replay_case(self, case_id: str, against_version: int | str | None = None):
        """A ReplayReport: the case step by step on its own version, or on `against_version` (a version
        number of the same process, or "PROCESS_ID:VERSION") with the first event where it diverges."""
        from .audit import api

        with self.command("audit.replay", case_resource(case_id), audit="audit.replay") as (session, who):
            self._require_cases_in_scope(session, who, "audit.replay", [case_id])
        return api.replay_case(self.db, self._spec_cache(), self._script_engine_factory, case_id,
                               against_version)

    def export_events(self, out: str | Path, format: str = "xes", gemeente: str | None = None,
                      since: datetime | None = None, include_data: bool = False):
        """Write the case histories in the auditor's scope as XES or CSV with pseudonyms."""
        from .audit import export

        resource = Resource(f"cases of {gemeente}" if gemeente else "every case", gemeente)
        with self.command("audit.export", resource, audit="audit.export") as (session, who):
            within = who.gemeenten_with("audit.export")
        return export.export_events(self.db, self._spec_cache(), out, format, gemeente=gemeente, since=since,
                                    include_data=include_data, now=self.clock(), within=within)

    def _require_cases_in_scope(self, session, who: Principal, ability: str, case_ids: Sequence[str]) -> None:
        within = who.gemeenten_with(ability)
        if within is None:
            return
        found = dict(session.execute(select(Case.id, Case.gemeente).where(Case.id.in_(list(case_ids)))).all())
        for case_id in case_ids:
            gemeente = found.get(case_id)
            if gemeente is None:
                raise NotFound(f"case '{case_id}' does not exist")
            if gemeente not in within:
                raise who.refusal(ability, case_resource(case_id, gemeente))

    def _spec_cache(self):
        if self._specs is None:
            from .definitions import SpecCache

            self._specs = SpecCache()
        return self._specs


def user_view(principal: Principal) -> UserInfo:
    grants = tuple(GrantInfo(g.role, g.scope_label(), None if g.gemeenten is None else tuple(sorted(g.gemeenten)))
                   for g in principal.grants)
    abilities = tuple(a for a in ABILITIES if principal.may(a))
    return UserInfo(principal.name, grants, principal.known, principal.impersonated_by,
                    principal.is_restricted_only(), abilities)
