"""The Engine: one method per use case, one transaction per method, views out, typed errors up."""
from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from . import deployment, drafts, worklist
from .admin import AdminMethods
from .bundle import collect
from .casework import CaseworkMethods
from .clock import Clock, fixed_clock
from .dashboard import DashboardMethods
from .dossier import DossierMethods, incident_of
from .errors import ClockBehind, Conflict, DatabaseUnavailable, InvalidInput, NotAllowed, NotFound
from .guard import Guarded
from .incidents import IncidentMethods
from .inputs import check_data
from .integration import IntegrationMethods
from .lists import ListMethods, case_summary
from .migration import MigrationMethods
from .monitoring import MonitoringMethods
from .privacy import PrivacyMethods
from .rights import Resource
from .rights.principal import task_resource
from .rights.visibility import case_clause
from .session_methods import SessionMethods
from .settings import Settings
from .store import repo
from .store.db import Database
from .store.tables import Case, FollowUp, WorkItem
from .views import (
    CaseSummary,
    CompletionResult,
    Deployed,
    ProcessInfo,
)
from .worklist import TaskFilter

if TYPE_CHECKING:
    from . import cases as cases_module


SYSTEM_ACTOR = "systeem"
"""The actor of events nobody did by hand: timers fired by the worker."""


def _runtime():
    """The SpiffWorkflow-backed modules, imported on first use: listing tasks or cases never needs
    them, and importing SpiffWorkflow costs about 0.1 s of every command's start. (Form validation,
    engine/forms.py with jsonschema, is imported by the commands that take form data only.)"""
    from . import cases, instances

    return cases, instances


@dataclass(frozen=True)
class Batch:
    """One worker poll: cases found due, moved, passed over (held by another worker or no longer due)."""

    due: int
    moved: int
    passed: int
    seconds: float


class Engine(Guarded, ListMethods, DossierMethods, AdminMethods, IntegrationMethods, CaseworkMethods, IncidentMethods,
             MonitoringMethods, MigrationMethods, DashboardMethods, SessionMethods, PrivacyMethods):
    """Every method checks the acting user's rights first (engine/guard.py, engine/rights/)."""

    def __init__(self, settings: Settings, db: Database, clock: Clock, script_engine_factory):
        self.settings = settings
        self.db = db
        self.clock = clock
        self._script_engine_factory = script_engine_factory
        self._specs = None  # SpecCache, made on first use (it imports SpiffWorkflow)
        self._sources: dict[tuple[int, str], str | None] = {}  # form texts of deployed versions
        self._labels: dict[int, dict] = {}  # field labels per deployed version
        self._live = None  # LiveWorkflows once keep_live_workflows() is called (long-running processes)

    def keep_live_workflows(self, capacity: int | None = None):
        """Keep restored workflows between commands (engine/live.py): for a process that runs many
        commands, the worker and the terminal app. A one-shot CLI command does without."""
        from .live import DEFAULT_CAPACITY, LiveWorkflows

        if self._live is None:
            self._live = LiveWorkflows(capacity or DEFAULT_CAPACITY)
        return self._live

    # -- definitions -------------------------------------------------------------------------
    def validate(self, paths: Sequence[str | Path]) -> list:
        from .validation import validate_files

        with self.command("process.validate", Resource("process files"), write=False):
            pass
        return validate_files(collect(paths, self.settings.max_model_bytes), self.settings.schema_dirs)

    def deploy(self, paths: Sequence[str | Path], actor: str | None = None) -> Deployed:
        """Validate and store a new version of every changed process. The result is the list of
        DeployResults, with the validation notes (problems that do not block a deploy) as `.notes`."""
        from .definitions import build_processes

        self._same_actor(actor)
        with self.command("process.deploy", Resource(_paths_label(paths)), write=False):
            pass  # parsing takes seconds: checked first, outside the write transaction
        notes: list = []
        builds = build_processes(collect(paths, self.settings.max_model_bytes), self.settings.schema_dirs, notes)
        with self.command("process.deploy", Resource(_paths_label(paths)), audit="process.deploy") as (session, who):
            results = deployment.store_builds(session, builds, who.name, self.clock())
        return Deployed(results, notes=tuple(notes))

    def run_scenarios(self, path: str | Path, keyword: str | None = None, min_coverage: float | None = None):
        """`traject test`: the scenario files under `path`, each on a fresh temporary database."""
        from .scenarios.suite import run_suite

        with self.command("process.test", Resource(f"scenarios under {path}"), write=False):
            pass
        return run_suite(path, keyword=keyword, min_coverage=min_coverage, schema_dirs=self.settings.schema_dirs)

    def processes(self) -> list[ProcessInfo]:
        with self.command("process.list", write=False) as (session, who):
            return deployment.list_processes(session)

    # -- cases -------------------------------------------------------------------------------
    def start_case(self, process_id: str, gemeente: str, data: dict | None = None,
                   actor: str | None = None) -> CaseSummary:
        from . import forms

        cases, instances = _runtime()
        self._same_actor(actor)
        gemeente = cases.require_gemeente(gemeente)
        data = check_data(data or {})
        with self.command("case.start", Resource(f"process {process_id} in {gemeente}", gemeente)) as (session, who):
            definition = repo.latest_definition(session, process_id)
            if definition is None:
                raise NotFound(f"process '{process_id}' is not deployed")
            if not definition.startable:
                raise InvalidInput(f"process '{process_id}' is a building block (called by other processes) "
                                   "and cannot be started on its own")
            if definition.start_form:
                forms.validate(self._source(definition, definition.start_form), data)
                data = self._seal(definition, definition.start_form, data)
            case = cases.start(session, self._ctx(who.name), definition, gemeente, data)
            return self._summary(session, case)

    def complete_task(self, task_id: str, data: dict | None = None, actor: str | None = None) -> CompletionResult:
        from . import forms

        cases, instances = _runtime()
        self._same_actor(actor)
        data = check_data(data or {})
        with self.command("task.complete", Resource(f"task {task_id}")) as (session, who):
            # One statement: the case locked, with its open work items (the one completed among them).
            locked = cases.lock_task(session, task_id)
            case, item = locked.case, locked.items[task_id]
            who.require("task.complete", task_resource(item))
            if item.assignee and item.assignee != who.name:
                raise who.refusal("task.complete", task_resource(item),
                                  f" (claimed by {item.assignee}; it must be released or taken over first)")
            forms.validate(self._source(case.definition_id, item.form, session), data)
            data = self._seal(case.definition_id, item.form, data)  # the form's text is cached by now
            case = cases.complete_task(session, self._ctx(who.name), locked, task_id, data)
            if locked.has_drafts:
                drafts.drop_closed(session, case.id)  # the completed task's drafts, whoever typed them
            # On an incident the completion is not applied (the task stays open) but the incident is
            # recorded: the caller sees status "error" and the incident.
            left = cases.synced_items(session, case.id)
            if locked.has_follow_ups and task_id not in {i.id for i in left}:
                session.execute(delete(FollowUp).where(FollowUp.task_id == task_id))
            # The open tasks from the rows just written, through the same rights rule as the SQL clause.
            open_tasks = self._visible_written(who, left)
            return CompletionResult(case.id, case.status, tuple(open_tasks), incident_of(case))

    def claim_task(self, task_id: str, actor: str | None = None, release: bool = False,
                   take_over: bool = False) -> None:
        """Claim an open task (or release it). A task someone else holds is released or claimed only by a
        user who may take tasks over (a coordinator), recorded as task_taken_over."""
        cases, instances = _runtime()
        self._same_actor(actor)
        with self.command("task.claim" if not take_over else "task.takeover", Resource(f"task {task_id}")) as (session, who):
            # Lock first, then read the assignee: read before the lock, two claims on PostgreSQL both
            # saw "unclaimed" and both succeeded (SQLite's BEGIN IMMEDIATE serialised them already).
            case = cases.lock_case_of_task(session, task_id)
            item = session.get(WorkItem, task_id, populate_existing=True)
            if item is None:
                raise Conflict(f"task {task_id} is no longer open (completed by someone else)")
            resource = task_resource(item)
            held_by_other = item.assignee is not None and item.assignee != who.name
            if held_by_other and not take_over and not release:
                raise Conflict(f"task {task_id} is already claimed by {item.assignee} (a coordinator can take "
                               "it over: traject claim TASK --take-over)")
            if held_by_other or take_over:
                who.require("task.takeover", Resource(resource.label, item.gemeente))
            if not take_over:
                who.require("task.claim", resource)
            previous = item.assignee
            item.assignee = None if release else who.name
            kind = "task_released" if release else ("task_taken_over" if held_by_other else "task_claimed")
            repo.append_event(session, case_id=case.id, type=kind, at=self.clock(), actor=who.name,
                              task=item.task, task_id=task_id, definition_id=case.definition_id,
                              data={"from": previous} if held_by_other else None)

    def fire_due_timers(self, limit: int | None = None, case_id: str | None = None) -> int:
        """Fire every timer due at the clock's time (of one case, or all in the worker's scope); one
        transaction per case. Returns the number of cases that moved."""
        return self.fire_due_batch(limit, case_id).moved

    def fire_due_batch(self, limit: int | None = None, case_id: str | None = None, stop=None) -> Batch:
        """One poll of the worker: the due cases, each claimed (SKIP LOCKED on PostgreSQL) and fired in
        its own transaction. `stop()` is asked between cases: a SIGTERM finishes the case in hand only."""
        cases, instances = _runtime()
        began, now = time.monotonic(), self.clock()
        with self.command("worker.run", Resource("timers"), write=False) as (session, who):
            stmt = (select(Case.id).where(Case.status == "running", Case.next_timer_at <= now,
                                          case_clause(who, "worker.run"))
                    .order_by(Case.next_timer_at))
            if case_id:
                stmt = stmt.where(Case.id == case_id)
            due = list(session.scalars(stmt.limit(limit) if limit else stmt))
        if stop is not None and len(due) > 1:  # the service: start at a random point, so two workers
            start = random.randrange(len(due))  # walking the same list rarely reach for the same case
            due = due[start:] + due[:start]
        moved = done = 0
        for case_id in due:
            if stop is not None and stop():
                break
            # A timer is the worker's doing, recorded as `systeem`, not as whoever runs the worker.
            moved += self._fire_one(cases, case_id, SYSTEM_ACTOR)
            done += 1
        return Batch(due=len(due), moved=moved, passed=done - moved, seconds=time.monotonic() - began)

    def _fire_one(self, cases, case_id: str, actor: str) -> int:
        """One case in isolation: whatever goes wrong in it becomes its incident, never the worker's end
        (a case failing here would otherwise stop every case due after it)."""
        try:
            with self.db.transaction() as session:
                return int(cases.fire_timers(session, self._ctx(actor), case_id))
        except DatabaseUnavailable:
            raise  # the connection, not the case: the worker reconnects and the case is due again
        except Conflict:
            return 0  # another worker or a caseworker moved it at the same time; it is due again next poll
        except ClockBehind:
            return 0  # its last event is later than this worker's clock: not due yet by its own history
        except Exception as err:  # noqa: BLE001 - rolled back above; recorded below in its own transaction
            message = f"{type(err).__name__}: {err}"[:1000]
        try:
            with self.db.transaction() as session:
                cases.record_failure(session, self._ctx(actor), case_id, "timer_fired", message)
        except ClockBehind:
            pass  # its history is later than this worker's clock: a worker with the right time records it
        return 0

    def change_feed(self):
        """A ChangeFeed (engine/changes.py) for an app that keeps its worklist live."""
        from .changes import ChangeFeed

        with self.command("task.list", write=False, core=True):
            pass
        return ChangeFeed(self.db.sa_engine)

    # -- reading: the lists in engine/lists.py, a form and a dossier in engine/dossier.py ------
    def _visible_written(self, who, items) -> list:
        """The work items a command just wrote (a case has a few), as `_visible_tasks` would list them:
        the rule of rights.visibility.task_clause, applied by principal.may, in the worklist's order."""
        views = [worklist.to_view(i) for i in worklist.in_list_order(items) if who.may("task.list", task_resource(i))]
        if who.is_restricted_only():
            views = [view.without_bsn() for view in views]
        return views

    def _same_actor(self, actor: str | None) -> None:
        """Callers may name the actor they expect; acting as anyone else goes through identity(), never here."""
        name, _ = self.identity()
        if actor and actor not in (name, self.settings.user):
            error = NotAllowed(f"not allowed: {name} may not act as {actor}", user=name, action="impersonate",
                               resource=f"user {actor}")
            self._record_refusal(error)
            raise error

    # -- helpers -----------------------------------------------------------------------------
    def _source(self, definition, name: str | None, session=None) -> str | None:
        """A file of a deployed version (a form), cached: versions never change once deployed.
        `definition`: the DefinitionVersion row, or its id with the `session` to read it on a miss."""
        if not name:
            return None
        definition_id = definition if isinstance(definition, int) else definition.id
        key = (definition_id, name)
        if key not in self._sources:
            sources = (repo.definition_column(session, definition, "sources") if isinstance(definition, int)
                       else definition.sources)
            self._sources[key] = sources.get(name)
        return self._sources[key]

    def _ctx(self, actor: str) -> cases_module.CaseContext:
        from .cases import CaseContext
        from .definitions import SpecCache

        if self._specs is None:
            self._specs = SpecCache()
        # One clock reading per command: timers, scripts and the recorded event time must agree exactly,
        # or replaying the event at its recorded time computes other due dates (engine/audit/replay.py).
        return CaseContext(self._specs, self._script_engine_factory, fixed_clock(self.clock()), actor, self._live)

    def _version_of(self, session, definition_id: int | None) -> int | None:
        return repo.definition(session, definition_id).version if definition_id else None

    def _summary(self, session, case: Case) -> CaseSummary:
        return case_summary(case, self._version_of(session, case.definition_id))


def _paths_label(paths) -> str:
    return ", ".join(str(p) for p in paths)[:300]


def build_engine(settings: Settings, clock: Clock | None = None) -> Engine:
    """Wire the engine from settings. Nothing is connected or migrated until the first command.

    `clock` overrides settings.now: scenario runs and demo seeding move their own clock forward.
    """
    from .clock import clock_of

    return Engine(settings, Database(settings.db_url), clock or clock_of(settings),
                  RestrictedScripts(settings.script_budget))


@dataclass(frozen=True)
class RestrictedScripts:
    """Makes the restricted script engine of one command. engine.scripting (and SpiffWorkflow and
    RestrictedPython with it, 0.05 to 0.15 s) is imported on the first call: a read command never runs
    a script, so it does not pay for the import at start-up."""

    budget: float

    def __call__(self):
        from .scripting import make_script_engine

        return make_script_engine(self.budget)


__all__ = ["Engine", "build_engine", "TaskFilter"]
