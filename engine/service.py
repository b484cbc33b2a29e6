"""The Engine: one method per use case, one transaction per method, views out, typed errors up."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, select

from . import assignment, deployment, drafts, follow_ups, notes, worklist
from .bundle import collect
from .clock import Clock, fixed_clock
from .errors import Conflict, InvalidInput, NotFound
from .settings import Settings
from .store import repo
from .store.db import Database
from .store.tables import Case, Event, FollowUp, User
from .views import (
    CaseDetail,
    CaseSummary,
    CompletionResult,
    DeployResult,
    FieldLabel,
    FormDraft,
    FormSpec,
    HistoryEntry,
    Incident,
    IncidentInfo,
    ProcessInfo,
    UserInfo,
)
from .worklist import TaskFilter

if TYPE_CHECKING:
    from . import cases as cases_module


SYSTEM_ACTOR = "systeem"
"""The actor of events nobody did by hand: timers fired by the worker."""


def _runtime():
    """The SpiffWorkflow-backed modules, imported on first use: listing tasks or cases never needs
    them, and importing SpiffWorkflow and jsonschema costs about 0.2 s of every command's start."""
    from . import cases, forms, instances

    return cases, forms, instances


class Engine:
    def __init__(self, settings: Settings, db: Database, clock: Clock, script_engine_factory):
        self.settings = settings
        self.db = db
        self.clock = clock
        self._script_engine_factory = script_engine_factory
        self._specs = None  # SpecCache, made on first use (it imports SpiffWorkflow)
        self._sources: dict[tuple[int, str], str | None] = {}  # form texts of deployed versions
        self._labels: dict[int, dict] = {}  # field labels per deployed version

    # -- definitions -------------------------------------------------------------------------
    def validate(self, paths: Sequence[str | Path]) -> list:
        from .validation import validate_files

        return validate_files(collect(paths), self.settings.schema_dirs)

    def deploy(self, paths: Sequence[str | Path], actor: str | None = None) -> list[DeployResult]:
        from .definitions import build_processes

        builds = build_processes(collect(paths), self.settings.schema_dirs)
        with self.db.transaction() as session:
            return deployment.store_builds(session, builds, actor or self.settings.user, self.clock())

    def processes(self) -> list[ProcessInfo]:
        with self.db.transaction(write=False) as session:
            return deployment.list_processes(session)

    # -- cases -------------------------------------------------------------------------------
    def start_case(self, process_id: str, gemeente: str, data: dict | None = None,
                   actor: str | None = None) -> CaseSummary:
        cases, forms, instances = _runtime()
        gemeente = cases.require_gemeente(gemeente)
        data = data or {}
        with self.db.transaction() as session:
            definition = repo.latest_definition(session, process_id)
            if definition is None:
                raise NotFound(f"process '{process_id}' is not deployed")
            if not definition.startable:
                raise InvalidInput(f"process '{process_id}' is a building block (called by other processes) "
                                   "and cannot be started on its own")
            if definition.start_form:
                forms.validate(self._source(definition, definition.start_form), data)
            case = cases.start(session, self._ctx(actor), definition, gemeente, data)
            return self._summary(session, case)

    def complete_task(self, task_id: str, data: dict | None = None, actor: str | None = None) -> CompletionResult:
        cases, forms, instances = _runtime()
        data = data or {}
        with self.db.transaction() as session:
            case = cases.lock_case_of_task(session, task_id)
            item = cases.work_item(session, task_id)
            forms.validate(self._source(repo.definition(session, case.definition_id), item.form), data)
            case = cases.complete_task(session, self._ctx(actor), case, task_id, data)
            drafts.drop_closed(session, case.id)  # the completed task's drafts, whoever typed them
            # On an incident the completion is not applied (the task stays open) but the incident is
            # recorded: the caller sees status "error" and the incident.
            open_tasks = worklist.query(session, TaskFilter(case_id=case.id))
            if task_id not in {item.id for item in open_tasks}:
                session.execute(delete(FollowUp).where(FollowUp.task_id == task_id))
            return CompletionResult(case.id, case.status, tuple(open_tasks), _incident(case))

    # -- drafts (unsent form input; not case data) ----------------------------------------------
    def save_draft(self, task_id: str, data: dict, actor: str | None = None) -> None:
        with self.db.transaction() as session:
            drafts.save(session, task_id, actor or self.settings.user, data, self.clock())

    def get_draft(self, task_id: str, actor: str | None = None) -> FormDraft | None:
        with self.db.transaction() as session:
            draft = drafts.get(session, task_id, actor or self.settings.user)
            return FormDraft(draft.task_id, dict(draft.data), draft.updated_at) if draft else None

    def discard_draft(self, task_id: str, actor: str | None = None) -> bool:
        with self.db.transaction() as session:
            return drafts.discard(session, task_id, actor or self.settings.user)

    def add_note(self, case_id: str, text: str, actor: str | None = None, corrects: int | None = None) -> int:
        """A note in the case's history (engine/notes.py); `corrects`: the seq of the note it corrects.
        Returns the note's seq."""
        with self.db.transaction() as session:
            event = notes.add(session, case_id, text, actor or self.settings.user, self.clock(), corrects)
            return event.seq

    def assign_tasks(self, task_ids: Sequence[str], assignee: str | None, actor: str | None = None) -> int:
        """Give open tasks to a colleague holding their role in their gemeente, or release them
        (`assignee` None); one event per task, all in one transaction (engine/assignment.py)."""
        cases, forms, instances = _runtime()
        with self.db.transaction() as session:
            return assignment.assign(session, list(task_ids), assignee, actor or self.settings.user, self.clock(),
                                     cases.work_item)

    def set_follow_up(self, task_id: str, until: datetime | None, actor: str | None = None) -> None:
        """"Wachten tot": the actor's claimed task leaves their "mine" list until `until` (None clears it).
        Not case data: no event, like a reminder on a desk."""
        cases, forms, instances = _runtime()
        with self.db.transaction() as session:
            follow_ups.set_until(session, cases.work_item(session, task_id), actor or self.settings.user, until,
                                 self.clock())

    def claim_task(self, task_id: str, actor: str | None = None, release: bool = False) -> None:
        cases, forms, instances = _runtime()
        actor = actor or self.settings.user
        with self.db.transaction() as session:
            item = cases.work_item(session, task_id)
            case = repo.case_for_update(session, item.case_id)
            if not release and item.assignee and item.assignee != actor:
                raise Conflict(f"task {task_id} is already claimed by {item.assignee}")
            item.assignee = None if release else actor
            repo.append_event(session, case_id=case.id, type="task_released" if release else "task_claimed",
                              at=self.clock(), actor=actor, task=item.task, task_id=task_id,
                              definition_id=case.definition_id, data=None)

    def fire_due_timers(self, limit: int | None = None, case_id: str | None = None) -> int:
        """Fire every timer due at the clock's time (of one case, or all); one transaction per case.
        Returns the number of cases that moved."""
        cases, forms, instances = _runtime()
        now = self.clock()
        with self.db.transaction(write=False) as session:
            stmt = (select(Case.id).where(Case.status == "running", Case.next_timer_at < now)
                    .order_by(Case.next_timer_at))
            if case_id:
                stmt = stmt.where(Case.id == case_id)
            due = list(session.scalars(stmt.limit(limit) if limit else stmt))
        moved = 0
        for case_id in due:
            with self.db.transaction() as session:
                # A timer is the worker's doing, not of whoever happens to run it (the OS login).
                moved += cases.fire_timers(session, self._ctx(SYSTEM_ACTOR), case_id)
        return moved

    # -- reading -----------------------------------------------------------------------------
    def list_tasks(self, task_filter: TaskFilter | None = None, **kwargs) -> list:
        with self.db.transaction(write=False) as session:
            return worklist.query(session, task_filter or TaskFilter(**kwargs))

    def get_form(self, task_id: str) -> FormSpec:
        cases, forms, instances = _runtime()
        with self.db.transaction(write=False) as session:
            item = cases.work_item(session, task_id)
            case = session.get(Case, item.case_id)
            definition = repo.definition(session, case.definition_id)
            workflow = cases.load_for_reading(session, self._ctx(None), case)
            task = instances.find_ready_human_task(workflow, task_id)
            described = instances.human_tasks(workflow)
            info = next((t for t in described if t.id == task_id), None)
            return FormSpec(
                task_id=task_id, case_id=case.id, task=item.task, title=item.title,
                schema=_json_or_none(self._source(definition, item.form)),
                ui_schema=_json_or_none(self._source(definition, item.ui_form)),
                data=_json_safe(dict(task.data)) if task else {},
                schema_name=item.form, instructions=info.instructions if info else None, role=item.role,
            )

    def show_case(self, case_id: str) -> CaseDetail:
        cases, forms, instances = _runtime()
        with self.db.transaction(write=False) as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            workflow = cases.load_for_reading(session, self._ctx(None), case)
            events = session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq))
            return CaseDetail(
                summary=self._summary(session, case),
                data=_json_safe(instances.case_data(workflow)),
                open_tasks=tuple(worklist.query(session, TaskFilter(case_id=case_id))),
                events=tuple(_history(e, self._version_of(session, e.definition_id)) for e in events),
                incident=_incident(case),
                waiting_timers=tuple(instances.waiting_timers(workflow)),
            )

    def field_labels(self, case_id: str) -> dict[str, FieldLabel]:
        """Field and choice titles from the forms of the case's version (engine/labels.py), cached per
        version: deployed versions never change."""
        from .labels import labels_from_sources

        with self.db.transaction(write=False) as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            if case.definition_id not in self._labels:
                definition = repo.definition(session, case.definition_id)
                self._labels[case.definition_id] = labels_from_sources(dict(definition.sources or {}))
            return self._labels[case.definition_id]

    def visited_nodes(self, case_id: str) -> set[tuple[str, str]]:
        """(process id, element id) of every flow node the case has run: scenario coverage."""
        cases, forms, instances = _runtime()
        with self.db.transaction(write=False) as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            return instances.visited_nodes(cases.load_for_reading(session, self._ctx(None), case))

    def list_cases(self, gemeente: str | None = None, status: str | None = None, limit: int = 200,
                   search: str | None = None, gemeenten: Sequence[str] | None = None) -> list[CaseSummary]:
        """Cases newest first, in any state (running, waiting on a timer, completed, error). `search`:
        part of the person's name, the whole BSN, or the start of the case id; `gemeenten`: the
        caller's scope. Filtered in SQL."""
        with self.db.transaction(write=False) as session:
            stmt = select(Case).order_by(Case.created_at.desc()).limit(limit)
            if gemeente:
                stmt = stmt.where(Case.gemeente == gemeente)
            if gemeenten is not None:
                stmt = stmt.where(Case.gemeente.in_(gemeenten))
            if status:
                stmt = stmt.where(Case.status == status)
            if search and search.strip():
                text = search.strip()
                stmt = stmt.where(or_(Case.person_name.ilike(f"%{text}%"), Case.bsn == text,
                                      Case.id.startswith(text)))
            return [self._summary(session, c) for c in session.scalars(stmt)]

    def clear_all_data(self) -> int:
        """Delete every case, its history and every deployed version (for `demo --fresh`); users and the
        installation's keys stay. Returns the number of cases deleted."""
        from sqlalchemy import func

        from .store.tables import DefinitionVersion, Draft, WorkItem

        with self.db.transaction() as session:
            count = session.scalar(select(func.count()).select_from(Case)) or 0
            for table in (Draft, FollowUp, WorkItem, Event, Case, DefinitionVersion):
                session.execute(delete(table))
            return count

    def list_incidents(self, gemeenten: Sequence[str] | None = None, limit: int = 200) -> list[IncidentInfo]:
        """Cases stopped by an incident (status error), newest change first, with the technical message."""
        with self.db.transaction(write=False) as session:
            stmt = select(Case).where(Case.status == "error").order_by(Case.updated_at.desc()).limit(limit)
            if gemeenten is not None:
                stmt = stmt.where(Case.gemeente.in_(gemeenten))
            return [IncidentInfo(self._summary(session, c), _incident(c) or Incident(None, "?", None))
                    for c in session.scalars(stmt)]

    # -- users -------------------------------------------------------------------------------
    def add_user(self, name: str, roles: Sequence[str], gemeenten: Sequence[str]) -> UserInfo:
        if not name.strip():
            raise InvalidInput("a user needs a name")
        with self.db.transaction() as session:
            user = session.get(User, name)
            if user is None:
                user = User(name=name, roles=[], gemeenten=[], created_at=self.clock())
                session.add(user)
            user.roles = sorted(set(user.roles) | set(roles))
            user.gemeenten = sorted(set(user.gemeenten) | set(gemeenten))
            return _user_view(user)

    def remove_user(self, name: str) -> None:
        with self.db.transaction() as session:
            user = session.get(User, name)
            if user is None:
                raise NotFound(f"user '{name}' does not exist")
            session.delete(user)

    def list_users(self) -> list[UserInfo]:
        with self.db.transaction(write=False) as session:
            return [_user_view(u) for u in session.scalars(select(User).order_by(User.name))]

    def get_user(self, name: str) -> UserInfo | None:
        with self.db.transaction(write=False) as session:
            user = session.get(User, name)
            return _user_view(user) if user else None

    # -- helpers -----------------------------------------------------------------------------
    def _source(self, definition, name: str | None) -> str | None:
        """A file of a deployed version (a form), cached: versions never change once deployed."""
        if not name:
            return None
        key = (definition.id, name)
        if key not in self._sources:
            self._sources[key] = definition.sources.get(name)
        return self._sources[key]

    def _ctx(self, actor: str | None) -> cases_module.CaseContext:
        from .cases import CaseContext
        from .definitions import SpecCache

        if self._specs is None:
            self._specs = SpecCache()
        # One clock reading per command: timers, scripts and the recorded event time must agree exactly,
        # or replaying the event at its recorded time computes other due dates (engine/audit/replay.py).
        return CaseContext(self._specs, self._script_engine_factory, fixed_clock(self.clock()),
                                 actor or self.settings.user)

    def _version_of(self, session, definition_id: int | None) -> int | None:
        return repo.definition(session, definition_id).version if definition_id else None

    def _summary(self, session, case: Case) -> CaseSummary:
        return CaseSummary(
            id=case.id, process_id=case.process_id, definition_version=self._version_of(session, case.definition_id),
            gemeente=case.gemeente, status=case.status, stage=case.stage, person_name=case.person_name,
            bsn=case.bsn, next_timer_at=case.next_timer_at, created_at=case.created_at,
            updated_at=case.updated_at, deadline=case.deadline,
        )

    # -- audit trail (engine/audit) --------------------------------------------------------------
    def verify_cases(self, case_ids: Sequence[str] | None = None, progress=None, jobs: int | None = None) -> list:
        """Check the hash chain of every event and replay each case on its own definition version;
        all cases when `case_ids` is None. Returns a CaseVerification per case, in id order.
        `progress(cases_done, cases_total, events_done)` is called as cases are done; `jobs` is the
        number of processes (None: one per CPU when there are many cases)."""
        from .audit import api

        return api.verify_cases(self.db, self._spec_cache(), self._script_engine_factory, case_ids, progress,
                                jobs)

    def replay_case(self, case_id: str, against_version: int | str | None = None):
        """A ReplayReport: the case step by step on its own version, or on `against_version` (a version
        number of the same process, or "PROCESS_ID:VERSION") with the first event where it diverges."""
        from .audit import api

        return api.replay_case(self.db, self._spec_cache(), self._script_engine_factory, case_id,
                               against_version)

    def export_events(self, out: str | Path, format: str = "xes", gemeente: str | None = None,
                      since: datetime | None = None, include_data: bool = False):
        """Write the case histories as XES or CSV with pseudonyms; returns an ExportSummary."""
        from .audit import export

        return export.export_events(self.db, self._spec_cache(), out, format, gemeente=gemeente, since=since,
                                    include_data=include_data, now=self.clock())

    def _spec_cache(self):
        if self._specs is None:
            from .definitions import SpecCache

            self._specs = SpecCache()
        return self._specs


def _history(event: Event, version: int | None) -> HistoryEntry:
    return HistoryEntry(seq=event.seq, type=event.type, task=event.task, actor=event.actor, at=event.at,
                        data=event.data, definition_version=version, hash=event.hash)


def _incident(case: Case) -> Incident | None:
    if not case.incident:
        return None
    at = case.incident.get("at")
    return Incident(case.incident.get("task"), case.incident.get("message", ""),
                    datetime.fromisoformat(at) if at else None)


def _json_or_none(text: str | None) -> dict | None:
    return json.loads(text) if text else None


def _user_view(user: User) -> UserInfo:
    return UserInfo(user.name, tuple(user.roles), tuple(user.gemeenten))


def _json_safe(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))


def build_engine(settings: Settings, clock: Clock | None = None) -> Engine:
    """Wire the engine from settings. Nothing is connected or migrated until the first command.

    `clock` overrides settings.now: scenario runs and demo seeding move their own clock forward.
    """
    from .clock import fixed_clock, system_clock
    from .scripting import make_script_engine

    if clock is None:
        clock = fixed_clock(settings.now) if settings.now else system_clock
    return Engine(settings, Database(settings.db_url), clock, make_script_engine)


__all__ = ["Engine", "build_engine", "TaskFilter"]
