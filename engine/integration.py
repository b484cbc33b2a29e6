"""Engine methods for messages and external tasks (engine/messages.py, engine/external.py): how outside
systems (DUO, a zaaksysteem connector) and caseworkers move cases on. A mixin of Engine, like
engine/admin.py; every method goes through Guarded.command and filters receivers and queues in SQL."""
from __future__ import annotations

from .errors import InvalidInput, NotFound
from .rights import Resource
from .rights.visibility import case_clause
from .store.tables import Case, ServiceItem
from .views import CaseSummary, ExternalItem, MessageResult


class IntegrationMethods:
    def deliver_message(self, name: str, case_id: str | None = None, correlate: dict | None = None,
                        data: dict | None = None, gemeente: str | None = None,
                        actor: str | None = None) -> MessageResult:
        """Deliver message `name` to the waiting case it is meant for (by id or correlation), or start
        the process whose message start event it is. One case per delivery unless declared broadcast.
        Only cases in the sender's scope receive it."""
        from . import forms, messages
        from .service import _runtime

        cases, instances = _runtime()
        self._same_actor(actor)
        if not (name or "").strip():
            raise InvalidInput("a message needs a name")
        correlate = {str(k): str(v) for k, v in (correlate or {}).items()}
        data = data or {}
        with self.command("message.send", Resource(f"message {name}")) as (session, who):
            if case_id:
                case = session.get(Case, case_id)
                if case is None:
                    raise NotFound(f"case '{case_id}' does not exist")
                who.require("message.send", Resource(f"message {name} to case {case_id} ({case.gemeente})",
                                                     case.gemeente))
            receivers = messages.find_receivers(session, name, case_id, correlate,
                                                within=case_clause(who, "message.send"))
            if len(receivers) > 1 and not all(r.broadcast for r in receivers):
                raise InvalidInput(f"message '{name}' matches {len(receivers)} waiting cases; name one with "
                                   "--case ID or --correlate KEY=VALUE (or declare the catch broadcast)")
            if receivers:
                ctx = self._ctx(who.name)
                moved = [messages.deliver_to(session, ctx, r, name, data, correlate) for r in receivers]
                return MessageResult(name, False, tuple(self._summary(session, c) for c in moved))
            definition = None if case_id else messages.starter(session, name)
            if definition is None:
                raise messages.no_receiver(name, case_id, correlate)
            if not (gemeente or "").strip():
                raise InvalidInput(f"message '{name}' starts process '{definition.process_id}': "
                                   "--gemeente is required (a municipality code, e.g. GM0363)")
            gemeente = gemeente.strip()
            who.require("message.send", Resource(f"message {name} starting {definition.process_id} in {gemeente}",
                                                 gemeente))
            if definition.start_form:
                forms.validate(self._source(definition, definition.start_form), data)
                data = self._seal(definition, definition.start_form, data)
            case = messages.start_by_message(session, self._ctx(who.name), definition, gemeente, name, data)
            return MessageResult(name, True, (self._summary(session, case),))

    def fetch_external_tasks(self, topic: str, worker: str, lock: str | None = None,
                             limit: int = 10) -> list[ExternalItem]:
        """Lock and return up to `limit` due external tasks of `topic` in the caller's scope for `worker`
        (lock: ISO duration)."""
        from . import external

        duration = external.parse_lock(lock)
        if limit < 1:
            raise InvalidInput("--limit must be at least 1")
        with self.command("external.work", Resource(f"topic {topic}")) as (session, who):
            within = case_clause(who, "external.work", ServiceItem.gemeente)
            return external.fetch(session, topic, worker, duration, limit, self.clock(), within=within)

    def complete_external_task(self, item_id: str, data: dict | None = None, worker: str | None = None,
                               actor: str | None = None) -> CaseSummary:
        from . import external

        self._same_actor(actor)
        with self.command("external.work", Resource(f"external task {item_id}")) as (session, who):
            item = self._external_item(session, who, item_id, worker)
            case = external.complete(session, self._ctx(who.name), item, data or {})
            return self._summary(session, case)

    def fail_external_task(self, item_id: str, message: str, retries: int = 0, worker: str | None = None,
                           actor: str | None = None) -> CaseSummary:
        from . import external

        self._same_actor(actor)
        if not (message or "").strip():
            raise InvalidInput("--message must say what went wrong")
        with self.command("external.work", Resource(f"external task {item_id}")) as (session, who):
            item = self._external_item(session, who, item_id, worker)
            case = external.fail(session, self._ctx(who.name), item, message.strip(), retries)
            return self._summary(session, case)

    def list_external_tasks(self, topic: str | None = None, case_id: str | None = None,
                            limit: int = 200) -> list[ExternalItem]:
        from . import external

        with self.command("external.list", Resource("external tasks"), write=False) as (session, who):
            within = case_clause(who, "external.list", ServiceItem.gemeente)
            return external.list_items(session, topic, case_id, limit, within=within)

    def _external_item(self, session, who, item_id: str, worker: str | None):
        from . import external

        item = external.locked_item(session, item_id, worker, self.clock())
        who.require("external.work", Resource(f"external task {item_id} ({item.gemeente})", item.gemeente))
        return item
