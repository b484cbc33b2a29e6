"""Engine methods for a caseworker's day around the tasks themselves (issue 16): drafts of unsent forms,
notes on a case, distributing work, follow-up dates, incidents, field labels, and clearing a demo.
A mixin of Engine, like engine/admin.py; every method goes through Guarded.command."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from . import assignment, drafts, follow_ups, notes, saved_filters
from .errors import NotFound
from .rights import Resource, case_resource
from .rights.directory import resolve
from .rights.principal import task_resource
from .rights.visibility import case_clause
from .store import repo
from .store.tables import Case, FollowUp, WorkItem
from .views import FieldLabel, FormDraft, Incident, IncidentInfo, WorklistFilter


class CaseworkMethods:
    # -- drafts (unsent form input; not case data) ----------------------------------------------
    def save_draft(self, task_id: str, data: dict, actor: str | None = None) -> None:
        self._same_actor(actor)
        with self.command("task.view", Resource(f"task {task_id}")) as (session, who):
            item = self._require_task(session, who, "task.view", task_id)
            definition = repo.definition(session, session.get(Case, item.case_id).definition_id) if item else None
            if definition is not None:  # a draft of a restricted field is sealed like the completed form
                data = self._seal(definition, item.form, data)
            drafts.save(session, task_id, who.name, data, self.clock())

    def get_draft(self, task_id: str, actor: str | None = None) -> FormDraft | None:
        self._same_actor(actor)
        with self.command("task.view", Resource(f"task {task_id}")) as (session, who):
            if session.get(WorkItem, task_id) is None:
                return None  # the task is done: its drafts went with it
            self._require_task(session, who, "task.view", task_id)
            draft = drafts.get(session, task_id, who.name)
            if draft is None:
                return None
            from .restricted import shown

            data, _ = shown(dict(draft.data), self.vault())  # the user's own input, back to them
            return FormDraft(draft.task_id, data, draft.updated_at)

    def discard_draft(self, task_id: str, actor: str | None = None) -> bool:
        """A user's own draft; discarding needs no right on the task (it may be gone already)."""
        self._same_actor(actor)
        with self.command(None, Resource(f"task {task_id}")) as (session, who):
            return drafts.discard(session, task_id, who.name)

    # -- saved worklist filters (a personal setting; not case data) -----------------------------------
    def save_filter(self, wanted: WorklistFilter, actor: str | None = None) -> WorklistFilter:
        """Store the worklist filter under its name for the acting user (the same name replaces it)."""
        self._same_actor(actor)
        with self.command("task.list", Resource(f"saved filter {wanted.name!r}")) as (session, who):
            return saved_filters.save(session, who.name, wanted, self.clock())

    def saved_filters(self, actor: str | None = None) -> list[WorklistFilter]:
        self._same_actor(actor)
        with self.command("task.list", Resource("saved filters"), write=False) as (session, who):
            return saved_filters.list_for(session, who.name)

    def delete_filter(self, name: str, actor: str | None = None) -> bool:
        self._same_actor(actor)
        with self.command("task.list", Resource(f"saved filter {name!r}")) as (session, who):
            return saved_filters.remove(session, who.name, name)

    # -- notes -------------------------------------------------------------------------------------
    def add_note(self, case_id: str, text: str, actor: str | None = None, corrects: int | None = None) -> int:
        """A note in the case's history (engine/notes.py); `corrects`: the seq of the note it corrects.
        Returns the note's seq."""
        self._same_actor(actor)
        with self.command("case.note", case_resource(case_id)) as (session, who):
            self._require_case(session, who, "case.note", case_id)
            event = notes.add(session, case_id, text, who.name, self.clock(), corrects)
            return event.seq

    # -- distributing work -------------------------------------------------------------------------
    def assign_tasks(self, task_ids: Sequence[str], assignee: str | None, actor: str | None = None) -> int:
        """Give open tasks to a colleague who may complete them, or release them (`assignee` None); one
        event per task, all in one transaction (engine/assignment.py). Coordinators (task.takeover)."""
        from .service import _runtime

        cases, instances = _runtime()
        self._same_actor(actor)
        with self.command("task.takeover", Resource(f"{len(task_ids)} task(s)")) as (session, who):
            colleague = resolve(session, assignee, self.policy()) if assignee else None
            if colleague is not None and not colleague.known:
                raise NotFound(f"user '{assignee}' does not exist")
            return assignment.assign(session, list(task_ids), colleague, who, self.clock(), cases.work_item)

    def colleagues_for(self, task_ids: Sequence[str]) -> list[str]:
        """Who may complete every one of these tasks (the choice when a coordinator distributes work)."""
        from .rights.directory import users

        with self.command("task.takeover", Resource(f"{len(task_ids)} task(s)"), write=False) as (session, who):
            items = [self._require_task(session, who, "task.takeover", task_id) for task_id in task_ids]
            resources = [task_resource(item) for item in items]
            return [p.name for p in users(session, self.policy())
                    if all(p.may("task.complete", r) for r in resources)]

    def set_follow_up(self, task_id: str, until: datetime | None, actor: str | None = None) -> None:
        """"Wachten tot": the actor's claimed task leaves their "mine" list until `until` (None clears it).
        Not case data: no event, like a reminder on a desk."""
        self._same_actor(actor)
        with self.command("task.claim", Resource(f"task {task_id}")) as (session, who):
            item = self._require_task(session, who, "task.claim", task_id)
            follow_ups.set_until(session, item, who.name, until, self.clock())

    # -- incidents and labels ----------------------------------------------------------------------
    def list_incidents(self, gemeenten: Sequence[str] | None = None, limit: int = 200) -> list[IncidentInfo]:
        """Cases stopped by an incident (status error) in the caller's scope, newest change first, with the
        technical message (coordinators, auditors)."""
        from .dossier import incident_of

        with self.command("incident.list", Resource("incidents"), write=False) as (session, who):
            for gemeente in gemeenten or ():  # an explicit filter outside the scope is refused, as for tasks
                who.require("incident.list", Resource(f"incidents of {gemeente}", gemeente))
            stmt = (select(Case).where(Case.status == "error", case_clause(who, "incident.list"))
                    .order_by(Case.updated_at.desc()).limit(limit))
            if gemeenten is not None:
                stmt = stmt.where(Case.gemeente.in_(list(gemeenten)))
            return [IncidentInfo(self._summary(session, c), incident_of(c) or Incident(None, "?", None))
                    for c in session.scalars(stmt)]

    def field_labels(self, case_id: str) -> dict[str, FieldLabel]:
        """Field and choice titles from the forms of the case's version (engine/labels.py), cached per
        version: deployed versions never change. For whoever may see the case's dossier or its tasks."""
        from .labels import labels_from_sources

        with self.command(None, case_resource(case_id), write=False) as (session, who):
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            resource = case_resource(case_id, case.gemeente)
            if not (who.may("case.view", resource) or who.may("task.view", resource)):
                raise who.refusal("case.view", resource)
            if case.definition_id not in self._labels:
                definition = repo.definition(session, case.definition_id)
                self._labels[case.definition_id] = labels_from_sources(dict(definition.sources or {}))
            return self._labels[case.definition_id]

    # -- demo ----------------------------------------------------------------------------------------
    def clear_all_data(self) -> int:
        """Delete every case, its history, every group session and every deployed version (for `demo
        --fresh`); users and the installation's keys stay. Returns the number of cases deleted."""
        from sqlalchemy import func

        from .store.tables import (
            ClosedTask,
            DefinitionVersion,
            Draft,
            Event,
            GroupSession,
            Installation,
            MessageWait,
            ServiceItem,
            SessionParticipant,
            WorkItem,
        )

        with self.command("demo.seed", Resource("this database"), audit="demo.seed") as (session, who):
            count = session.scalar(select(func.count()).select_from(Case)) or 0
            tables = (Draft, FollowUp, MessageWait, ServiceItem, WorkItem, ClosedTask, SessionParticipant,
                      GroupSession, Event, Case, DefinitionVersion)  # children before parents: the foreign keys hold on PostgreSQL
            for table in tables:
                session.execute(delete(table))
            # The case chain (engine/audit/case_chain.py) starts again: its head named a deleted case.
            session.execute(delete(Installation).where(Installation.name == "last_case"))
            return count

    # -- helpers -------------------------------------------------------------------------------------
    def _require_task(self, session, who, ability: str, task_id: str):
        from .service import _runtime

        cases, instances = _runtime()
        item = cases.work_item(session, task_id)
        who.require(ability, task_resource(item))
        return item

    def _require_case(self, session, who, ability: str, case_id: str) -> Case:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"case '{case_id}' does not exist")
        who.require(ability, case_resource(case_id, case.gemeente))
        return case
