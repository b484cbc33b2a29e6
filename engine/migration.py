"""`traject migrate`: move running cases to a newer version of their process.

A case may move only when its history would have gone the same way on the new version: every command
that took effect is replayed on that version and must reach the state the engine recorded after it
(engine/audit/replay.py, `effective_only`). A command that was rolled back by an incident changed nothing
and is not replayed, so a case stuck on a faulty script reaches the fixed version and `traject retry`
then runs the failed step there.

The case continues in the rebuilt state; its open tasks get new task ids (the rebuild makes new task
objects), so assignees, due dates, drafts and follow-ups move over to the open task of the same element.
One `case_migrated` event per case names both versions; `audit verify` replays the case on its first
version up to that event, rebuilds it on the new one there as this module did, and goes on.

All cases of one command move in one transaction: if one of them cannot, none does (exit 2 with each
case's reason), and `--dry-run` prints that impact report without changing anything.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import delete, select, update

from .errors import InvalidInput, NotFound
from .rights import Resource, case_resource
from .store import repo
from .store.tables import Case, Draft, FollowUp, WorkItem
from .task_ids import stored_seed

MAX_CASES = 1000  # per command: one transaction holds every case's lock


@dataclass(frozen=True)
class MigrationCheck:
    """What moving one case would do (or did)."""

    case_id: str
    process_id: str
    from_version: int | None
    to_version: int | None
    status: str  # the case's status (running or error)
    open_before: tuple[str, ...] = ()  # open task elements now
    open_after: tuple[str, ...] = ()  # open task elements on the new version
    problem: str | None = None  # why it cannot move; None when it can
    kept_assignees: int = 0  # open tasks whose assignee, due date, drafts and follow-ups moved over

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict:
        return {"case_id": self.case_id, "process_id": self.process_id, "from_version": self.from_version,
                "to_version": self.to_version, "status": self.status, "ok": self.ok, "problem": self.problem,
                "open_before": list(self.open_before), "open_after": list(self.open_after),
                "kept_assignees": self.kept_assignees}


@dataclass(frozen=True)
class MigrationReport:
    checks: tuple[MigrationCheck, ...]
    applied: bool  # False for a dry run or when a case could not move

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_json(self) -> dict:
        return {"applied": self.applied, "ok": self.ok, "cases": [c.to_json() for c in self.checks]}


class MigrationMethods:
    """A mixin of Engine (engine/service.py)."""

    def migrate_cases(self, case_ids: Sequence[str], to_version: int | str, dry_run: bool = False) -> MigrationReport:
        ids = list(dict.fromkeys(c.strip() for c in case_ids if c and c.strip()))
        if not ids:
            raise InvalidInput("migrate: name at least one case")
        if len(ids) > MAX_CASES:
            raise InvalidInput(f"migrate: at most {MAX_CASES} cases per command ({len(ids)} given)")
        ability = "case.migrate"
        label = f"case {ids[0]}" if len(ids) == 1 else f"{len(ids)} cases"
        with self.command(ability, Resource(label), write=not dry_run,
                          audit=None if dry_run else ability) as (session, who):
            checks, rebuilt = [], []
            for case_id in ids:
                case = _case(session, case_id, lock=not dry_run)
                who.require(ability, case_resource(case_id, case.gemeente))
                check, target, workflow = self._check_migration(session, case, to_version)
                checks.append(check)
                rebuilt.append((case, target, workflow))
            report = MigrationReport(tuple(checks), applied=False)
            if dry_run:
                return report
            if not report.ok:
                raise InvalidInput(_refusal(report))
            applied = tuple(_apply(session, self._ctx(who.name), check, case, target, workflow,
                                   self._script_engine_factory)
                            for check, (case, target, workflow) in zip(checks, rebuilt, strict=True))
        return MigrationReport(applied, applied=True)

    def _difference(self, own, case_history, seed, diverged, target) -> str | None:
        """What differs at a divergence, named (data, open tasks, timers), from the same event replayed on
        the case's own version: as `audit replay --against` says it. None when that cannot be told."""
        from .audit.listing import describe_difference
        from .audit.replay import Replayer, replay

        if diverged.state is None:
            return None
        baseline = Replayer(own.spec, own.subprocess_specs, self._script_engine_factory, keep_states=True,
                            id_seed=seed)
        recorded = next((s for s in replay(case_history.events, baseline, effective_only=True)
                         if s.event.seq == diverged.event.seq), None)
        if recorded is None or recorded.status != "ok" or recorded.state is None:
            return None
        return describe_difference(recorded.state, diverged.state, target.label)

    def _check_migration(self, session, case: Case, to_version) -> tuple[MigrationCheck, object, object]:
        """Whether `case` can move to `to_version`, with the target Definition and the rebuilt workflow."""
        from . import instances
        from .audit import history
        from .audit.history import Definitions
        from .audit.replay import Replayer, replay

        definitions = Definitions(self._spec_cache())
        own = definitions.get(session, case.definition_id)
        target = _target(session, definitions, to_version, case.process_id)
        base = dict(case_id=case.id, process_id=case.process_id, from_version=own.version,
                    to_version=target.version, status=case.status, open_before=_open_items(session, case.id))

        def refused(problem: str):
            return MigrationCheck(**base, problem=problem), target, None

        if case.status not in ("running", "error"):
            return refused(f"the case is {case.status}: only running cases and cases in error move to another "
                           "version")
        if target.version <= own.version:
            return refused(f"version {target.version} is not newer than the case's own version {own.version}")
        if target.altered:
            return refused(f"version {target.label}: {target.altered}")
        (case_history,) = history.load(session, [case.id])
        seed = stored_seed(case.workflow)
        replayer = Replayer(target.spec, target.subprocess_specs, self._script_engine_factory,
                            keep_states=True, id_seed=seed)
        for step in replay(case_history.events, replayer, effective_only=True):
            if step.status in ("diverged", "erased"):
                event = step.event
                what = event.type + (f" {event.task}" if event.task else "")
                why = self._difference(own, case_history, seed, step, target) or step.message
                return refused(f"diverges at event {event.seq} ({what}): {why}")
        if replayer.workflow is None:
            return refused("its history holds no command to rebuild it from")
        after = tuple(t.task for t in instances.human_tasks(replayer.workflow))
        return MigrationCheck(**base, open_after=after), target, replayer.workflow


def _apply(session, ctx, check: MigrationCheck, case: Case, target, workflow, script_engine_factory) -> MigrationCheck:
    """Store the rebuilt workflow as the case's state on `target`, carry the open tasks' assignments
    over, and record `case_migrated`."""
    from . import cases, instances

    from_id, last = case.definition_id, repo.last_event(session, case.id)
    old_items = session.scalars(select(WorkItem).where(WorkItem.case_id == case.id)
                                .order_by(WorkItem.created_at, WorkItem.id)).all()
    kept = [(i.id, i.task, i.assignee, i.created_at, i.due_at) for i in old_items]
    recorded_incident = dict(case.incident) if case.status == "error" and case.incident else None
    incident = instances.Incident(recorded_incident.get("task"), recorded_incident.get("message", "")) \
        if recorded_incident else None
    case.definition_id = target.id
    workflow.script_engine = script_engine_factory()
    digest = cases._store(session, ctx, case, workflow, incident)
    if recorded_incident:  # still the incident it was: its time and message as recorded
        case.incident = recorded_incident
    if last is not None and last.state_digest and digest != last.state_digest:
        raise InvalidInput(f"case {case.id}: the state on version {target.version} differs from the recorded "
                           "state; no case was migrated")
    moved = _carry_over(session, case.id, kept)
    repo.append_event(session, case_id=case.id, type="case_migrated", at=ctx.clock(), actor=ctx.actor,
                      definition_id=target.id, state_digest=digest,
                      data={"from_definition_id": from_id, "to_definition_id": target.id,
                            "from_version": check.from_version, "to_version": target.version})
    return replace(check, kept_assignees=moved, open_after=_open_items(session, case.id))


def _case(session, case_id: str, lock: bool) -> Case:
    if lock:
        return repo.case_for_update(session, case_id)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case '{case_id}' does not exist")
    return case


def _target(session, definitions, to_version, process_id: str):
    from .audit.api import version_named

    name = str(to_version).strip().rpartition(":")[0]
    if name and name != process_id:
        raise InvalidInput(f"--to: the case runs process '{process_id}', not '{name}'")
    return version_named(session, definitions, to_version, process_id, option="--to")


def _open_items(session, case_id: str) -> tuple[str, ...]:
    return tuple(session.scalars(select(WorkItem.task).where(WorkItem.case_id == case_id)
                                 .order_by(WorkItem.created_at, WorkItem.id)))


def _carry_over(session, case_id: str, kept: list[tuple]) -> int:
    """Give each new open task what the old open task of the same element had: its assignee, its
    creation and due dates (the caseworker's deadline does not move), its drafts and follow-ups."""
    new_items = session.scalars(select(WorkItem).where(WorkItem.case_id == case_id)
                                .order_by(WorkItem.created_at, WorkItem.id)).all()
    free = {}
    for item in new_items:
        free.setdefault(item.task, []).append(item)
    moved = 0
    for old_id, task, assignee, created_at, due_at in kept:
        candidates = free.get(task) or []
        if not candidates:
            continue  # the element has no open task on the new version: its drafts are dropped below
        item = candidates.pop(0)
        item.assignee, item.created_at, item.due_at = assignee, created_at, due_at
        for table in (Draft, FollowUp):
            session.execute(update(table).where(table.task_id == old_id).values(task_id=item.id))
        moved += 1
    gone = [old_id for old_id, *_ in kept if old_id not in {i.id for i in new_items}]
    if gone:  # drafts and follow-ups of tasks that are no longer open (moved ones have new ids now)
        for table in (Draft, FollowUp):
            session.execute(delete(table).where(table.task_id.in_(gone)))
    session.flush()
    return moved


def _refusal(report: MigrationReport) -> str:
    failed = [c for c in report.checks if not c.ok]
    lines = [f"case {c.case_id}: {c.problem}" for c in failed]
    head = "no case was migrated" if len(report.checks) > 1 else "the case was not migrated"
    return f"{head}: " + "; ".join(lines)
