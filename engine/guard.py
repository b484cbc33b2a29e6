"""The one door to the data: every Engine method runs inside `Guarded.command`, which resolves the acting
user, asks the rights check before anything else, and writes the access log.

A refusal rolls the command's transaction back (nothing changed) and is then recorded as an
`access_denied` entry in its own small transaction, so it survives the rollback.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .errors import EngineError, NotAllowed
from .rights import Principal, Resource, load_policy
from .rights.resolution import resolve


class Guarded:
    """Base of Engine: identity, rights and the access log (needs self.settings, self.db, self.clock)."""

    _identity_cache: tuple[str, str | None] | None = None
    _policy = None

    def policy(self):
        if self._policy is None:
            self._policy = load_policy(self.settings.policy_path)
        return self._policy

    def identity(self) -> tuple[str, str | None]:
        """(acting user, impersonating login). SQLite: the --user/TRAJECT_USER/OS login. PostgreSQL: the
        database session user; only a superuser or traject_admin login may act as another (--user)."""
        if self._identity_cache is None:
            self._identity_cache = self._resolve_identity()
        return self._identity_cache

    def _resolve_identity(self) -> tuple[str, str | None]:
        wanted = self.settings.user
        if self.db.is_sqlite:
            return wanted, None
        from .rights.pg import session_identity

        self.db.ensure_migrated()
        with self.db.sa_engine.connect() as conn:
            login, may_impersonate = session_identity(conn)
        if not self.settings.user_explicit or wanted == login:
            return login, None
        if not may_impersonate:
            error = NotAllowed(f"not allowed: {login} may not act as {wanted} (on PostgreSQL the acting user is "
                               "the database login; only an administrator's login may impersonate)",
                               user=login, action="impersonate", resource=f"user {wanted}")
            self._record_refusal(error)
            raise error
        return wanted, login

    def principal(self, session) -> Principal:
        name, impersonated_by = self.identity()
        return resolve(session, name, self.policy(), impersonated_by)

    @contextlib.contextmanager
    def command(self, ability: str | None, resource: Resource | None = None, *, write: bool = True,
                audit: str | None = None, core: bool = False) -> Iterator[tuple]:
        """One transaction as the acting user, `ability` checked first (on `resource`, or on anything when
        None: the method checks the resource itself once it knows it). `audit` names an administrative
        action to log with its outcome (BIO: who, what, when, and whether it succeeded). `core`: a list
        that reads with SQLAlchemy Core gets a Connection instead of a Session, and the ORM stays
        unimported (the read commands' start-up, issue 14)."""
        if core and (write or audit):
            raise ValueError("a Core read command neither writes nor logs")
        try:
            with (self.db.reading() if core else self.db.transaction(write=write)) as session:
                who = self.principal(session)
                if ability:
                    who.require(ability, resource)
                yield session, who
                if audit:
                    self.log(session, who, "admin_command", audit, str(resource or ""), "ok")
        except NotAllowed as err:
            self._record_refusal(err)
            raise
        except EngineError as err:
            if audit:
                first_line = (str(err).splitlines() or [""])[0] or None
                self._record(lambda s: self.log(s, None, "admin_command", audit, str(resource or ""), "failed",
                                                message=first_line))
            raise

    def log(self, session, who: Principal | None, type_: str, action: str, resource: str, outcome: str,
            case_id: str | None = None, message: str | None = None) -> None:
        from .rights import access_log

        name, impersonated_by = (who.name, who.impersonated_by) if who else self.identity()
        access_log.append(session, at=self.clock(), type=type_, actor=name, via=impersonated_by, action=action,
                          resource=resource, outcome=outcome, case_id=case_id, message=message)

    def _record_refusal(self, err: NotAllowed) -> None:
        from .rights import access_log

        if getattr(err, "recorded", False):  # a refused impersonation is recorded where it is found
            return
        err.recorded = True

        via = self._identity_cache[1] if self._identity_cache else None
        self._record(lambda s: access_log.append(
            s, at=self.clock(), type="access_denied", actor=err.user or "?", via=via, action=err.action,
            resource=err.resource, outcome="denied", case_id=err.case_id, message=str(err)))

    def _record(self, write) -> None:
        try:
            with self.db.transaction() as session:
                write(session)
        except EngineError:
            pass  # the refusal itself still reaches the user; a busy database must not hide it
