"""Privacy use cases of the Engine (a mixin, like AdminMethods): what falls due under the retention
terms, and the erasure of cases past their term or on request (AVG art. 17). See engine/purge.py for
what an erasure removes and engine/audit/erasure.py for how `audit verify` checks it."""
from __future__ import annotations

from sqlalchemy import select

from .errors import Conflict, InvalidInput, NotFound
from .rights import Resource, case_resource
from .rights.visibility import case_clause
from .store import repo
from .store.tables import Case

MAX_REASON = 500


class PrivacyMethods:
    _vault = None

    def vault(self):
        """The installation's key for restricted fields (engine/restricted.py), opened on first use."""
        if self._vault is None:
            from .restricted import Vault

            self._vault = Vault(self.settings.key_path())
        return self._vault

    def _seal(self, definition, form_name: str | None, data: dict) -> dict:
        """`data` with its restricted fields sealed, before it is stored anywhere."""
        text = self._source(definition, form_name) if form_name else None
        if not text or "x-traject-restricted" not in text:
            return data  # most forms have none: no JSON parse, no key
        import json

        return self.vault().seal(json.loads(text), data)

    def _reveal(self, session, who, resource, data: dict, case_id: str | None, log: bool = True) -> dict:
        """`data` for `who`: restricted values revealed to a role the policy gives `restricted.view`
        (and the read logged), hidden for anyone else."""
        from .restricted import is_sealed, shown

        if not any(is_sealed(v) for v in data.values()):
            return data
        allowed = who.may("restricted.view", resource)
        out, revealed = shown(data, self.vault() if allowed else None)
        if revealed and log:
            self.log(session, who, "restricted_viewed", "restricted.view", str(resource), "ok", case_id=case_id,
                     message="fields: " + ", ".join(sorted(revealed)))
        return out

    def retention(self, due_only: bool = False) -> list:
        """Closed cases in the caller's scope with the end of their term (RetentionItem), soonest first;
        `due_only`: those with something due (the whole case, or a category's fields)."""
        from .purge import retention_items

        with self.command("retention.view", Resource("retention terms"), write=False) as (session, who):
            items = retention_items(session, case_clause(who, "retention.view"), self.clock())
        return [i for i in items if i.pending] if due_only else items

    def purge_due(self, actor: str | None = None) -> list[dict]:
        """Erase every closed case in scope whose term has ended, and the fields of every data category
        whose own shorter term has (bewaartermijn:<category>); one transaction per erasure. A case whose
        history does not verify is left as it is and reported (`"erased": false` with the findings)."""
        from .purge import retention_items

        with self.command("case.purge", Resource("cases past their retention term"), write=False) as (session, who):
            due = [i for i in retention_items(session, case_clause(who, "case.purge"), self.clock()) if i.pending]
        results = []
        for item in due:
            if item.due:  # the whole case: its categories go with it
                grond = f"bewaartermijn {item.term} verstreken op {item.due_at.date().isoformat()}"
                results.append(self._purge_one(item.case_id, "bewaartermijn", grond, actor, require_due=True))
                continue
            for category in (c for c in item.categories if c.due):
                grond = (f"bewaartermijn:{category.category} {category.term} verstreken op "
                         f"{category.due_at.date().isoformat()}")
                results.append(self._purge_one(item.case_id, "bewaartermijn", grond, actor, require_due=True,
                                               category=category.category))
        return results

    def purge_case(self, case_id: str, reason: str, actor: str | None = None) -> dict:
        """Erase one case on a request under AVG article 17 (any status; a running case ends)."""
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON or "\n" in reason:
            raise InvalidInput(f"--reason: give one line of at most {MAX_REASON} characters: the request "
                               "(article 17) and its reference, never the person's name")
        result = self._purge_one(case_id, "verzoek", f"AVG art. 17: {reason}", actor, require_due=False)
        if not result["erased"]:
            raise Conflict(f"case {case_id} was not erased: its history does not verify "
                           f"({'; '.join(result['findings'])}); report this as an incident first")
        return result

    def _purge_one(self, case_id: str, basis: str, grond: str, actor: str | None, require_due: bool,
                   category: str | None = None) -> dict:
        """Erase the case, or with `category` only that category's fields (engine/category_erasure.py)."""
        from .audit import history
        from .audit.history import Definitions
        from .audit.verify import verify_history
        from .purge import ERASED_STATUS

        with self.command("case.purge", case_resource(case_id)) as (session, who):
            if session.get(Case, case_id) is None:
                raise NotFound(f"case '{case_id}' does not exist")
            case = repo.case_for_update(session, case_id)
            who.require("case.purge", case_resource(case_id, case.gemeente))
            if case.status == ERASED_STATUS:
                raise InvalidInput(f"case {case_id} is erased already")
            if require_due and not self._still_due(session, case_id, category):
                return {"case_id": case_id, "erased": False, "category": category, "findings": ["no longer due"]}
            (case_history,) = history.load(session, [case_id], with_workflow=True)
            verified = verify_history(session, case_history, Definitions(self._spec_cache()),
                                      self._script_engine_factory)
            findings = [f"{f.kind} at event {f.seq}: {f.message}" for f in verified.result.findings]
            if findings:
                self.log(session, who, "admin_command", "case.purge", f"case {case_id}", "failed",
                         case_id=case_id, message="the history does not verify; not erased")
                return {"case_id": case_id, "erased": False, "category": category, "findings": findings}
            # The state the verified history reached: the newest state digest its chain records.
            digest = next((e.state_digest for e in reversed(case_history.events) if e.state_digest), None)
            actor = who.name if actor is None else actor
            if category is None:
                event = self._erase_case(session, case, verified, basis, grond, actor, digest)
                what = f"erased ({basis}); events 1-{event.seq - 1}"
            else:
                event = self._erase_category(session, case, verified, category, grond, actor, digest)
                what = f"category {category} erased ({basis}); events {', '.join(map(str, event.data['seqs']))}"
            self.log(session, who, "admin_command", "case.purge", f"case {case_id}", "ok", case_id=case_id,
                     message=what)
            return {"case_id": case_id, "erased": True, "basis": basis, "category": category,
                    "seqs": event.data["seqs"], "findings": []}

    def _still_due(self, session, case_id: str, category: str | None) -> bool:
        from .purge import retention_items

        items = retention_items(session, Case.id == case_id, self.clock())
        if category is None:
            return any(i.due for i in items)
        return any(c.due for i in items if not i.due for c in i.categories if c.category == category)

    def _erase_case(self, session, case, verified, basis, grond, actor, digest):
        from . import instances
        from .purge import erase
        from .serialization import dump_workflow

        spec, subs = verified.definition.spec, verified.definition.subprocess_specs
        empty = dump_workflow(instances.new_workflow(spec, subs, self._script_engine_factory(), {}))
        return erase(session, case, basis=basis, grond=grond, actor=actor, now=self.clock(),
                     state_digest=digest, empty_workflow=empty)

    def _erase_category(self, session, case, verified, category, grond, actor, digest):
        from .category_erasure import current_workflow, erase_category
        from .purge import retention_items

        (item,) = retention_items(session, Case.id == case.id, self.clock())
        fields = next(c.fields for c in item.categories if c.category == category)
        spec, subs = verified.definition.spec, verified.definition.subprocess_specs
        text = current_workflow(session, case, spec, subs, self._script_engine_factory)
        return erase_category(session, case, category=category, fields=fields, grond=grond, actor=actor,
                              now=self.clock(), state_digest=digest, workflow_text=text)

    def may_purge(self) -> bool:
        """Whether the acting user holds case.purge anywhere (the worker purges only when it does)."""
        with self.command(None, write=False) as (session, who):
            return bool(who.grants_with("case.purge"))

    def audit_anchor(self) -> dict:
        """A Merkle root over every case's chain head (in the caller's scope) and every definition
        version, with the time (engine/audit/anchor.py); logged."""
        from .audit import anchor

        with self.command("audit.anchor", Resource("the audit trail"), write=False) as (session, who):
            taken = anchor.take(session, case_clause(who, "audit.anchor"), self.clock(), who.name)
        with self.command("audit.anchor", Resource("the audit trail")) as (session, who):
            self.log(session, who, "admin_command", "audit.anchor", "the audit trail", "ok",
                     message=f"root {taken['root']} over {taken['cases']} case(s)")
        return taken

    def verify_anchor(self, anchor_data: dict) -> list[dict]:
        """Every case and definition version whose history up to the anchor changed."""
        from .audit import anchor

        with self.command("audit.verify", Resource("the audit trail against an anchor"), write=False) as (session, who):
            return anchor.check(session, anchor_data)

    def processing_register(self) -> list[dict]:
        """The verwerkingsregister of the newest version of every startable process (engine/register.py)."""
        from . import register
        from .store.tables import DefinitionVersion

        with self.command("register.view", Resource("the deployed processes"), write=False) as (session, who):
            newest = {}
            for row in session.scalars(select(DefinitionVersion).where(DefinitionVersion.startable.is_(True))
                                       .order_by(DefinitionVersion.process_id, DefinitionVersion.version)):
                newest[row.process_id] = row
            return [register.entry(row, self.policy()) for row in newest.values()]
