"""Running scenarios against the real engine, in a temporary database on a clock the scenario moves.

`Workbench` deploys the processes under a folder once; every scenario then runs as its own case. A
step that does not go as written stops its scenario with a `Failure` naming the step, what was expected
and what was found; the other scenarios still run.
"""
from __future__ import annotations

import difflib
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from ..errors import EngineError, FormInvalid, NotFound
from .coverage import Coverage, element_names, flow_nodes, measure
from .expectations import Mismatch, check, describe_open
from .model import (
    DEFAULT_NOW,
    SESSION_ACTIONS,
    Advance,
    Attendance,
    CancelSession,
    Complete,
    Enrol,
    Expect,
    ExpectError,
    PlanSession,
    Scenario,
    ScenarioInvalid,
    Step,
)
from .timeline import ScenarioClock

ACTOR = "scenario"  # recorded as the actor of every command; a scenario is nobody's real work


@dataclass(frozen=True)
class Failure:
    step: int | None  # 1-based step number; None for the start or the file itself
    line: int | None
    action: str  # e.g. "start", "complete Task_Intake", "expect"
    message: str
    details: tuple[Mismatch, ...] = ()


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    file: str
    status: str  # passed | failed | invalid (the file could not be read)
    failure: Failure | None = None
    case_id: str | None = None
    visited: frozenset[tuple[str, str]] = frozenset()
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def invalid_result(err: ScenarioInvalid) -> ScenarioResult:
    name = Path(err.file).name.split(".")[0]
    return ScenarioResult(name, err.file, "invalid", Failure(None, err.line, "read", err.problem))


class _Stop(Exception):
    def __init__(self, failure: Failure):
        super().__init__(failure.message)
        self.failure = failure


class Workbench:
    """The processes under `folder`, deployed into a fresh temporary SQLite database."""

    def __init__(self, folder: str | Path, schema_dirs: Iterable[Path] = ()):
        from ..bundle import collect
        from ..clock import parse_now
        from ..scripting import make_script_engine
        from ..service import Engine
        from ..settings import Settings
        from ..store.db import Database

        self.folder = Path(folder)
        self._tmp = tempfile.TemporaryDirectory(prefix="traject-test-")
        url = f"sqlite:///{Path(self._tmp.name) / 'scenarios.db'}"
        self.clock = ScenarioClock(parse_now(DEFAULT_NOW))
        settings = Settings(db_url=url, user=ACTOR, schema_dirs=tuple(schema_dirs))
        self.engine = Engine(settings, Database(url), self.clock, make_script_engine)
        try:
            # The scenario user holds every lane of the processes under test (granted after the deploy,
            # when the lanes are known), so scenarios go through the same rights checks as people do.
            self.engine.add_user(ACTOR, ["beheerder", "ontwerper", "auditor"], everywhere=True)
            self.engine.deploy([self.folder], actor=ACTOR)
            self._grant_lanes()
            self.startable = {p.process_id: p.startable for p in self.engine.processes()}
            self.catalog = flow_nodes(collect([self.folder]))
        except BaseException:
            self.close()
            raise
        self.element_names = element_names(self.catalog)

    def _grant_lanes(self) -> None:
        from ..rights.policy import SPECIAL

        # coordinator: group sessions are planned and registered by that role (engine/rights/policy.py)
        lanes = sorted((self.engine.known_lanes() | {"coordinator"}) - SPECIAL)
        if lanes:
            self.engine.add_user(ACTOR, lanes, everywhere=True, force=True)

    def run(self, scenario: Scenario) -> ScenarioResult:
        return _Run(self, scenario).execute()

    def coverage(self, results: Iterable[ScenarioResult]) -> Coverage:
        visited = set().union(*(r.visited for r in results))
        return measure(self.catalog, self.startable, visited)

    def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.db.dispose()
        self._tmp.cleanup()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Run:
    """One scenario: one case, its steps in order."""

    def __init__(self, bench: Workbench, scenario: Scenario):
        self.bench, self.engine, self.scenario = bench, bench.engine, scenario
        self.case_id: str | None = None  # the case the current step works on
        self.case_ids: list[str] = []  # the group, in order (one case unless `group: N`)
        self.sessions: dict[str, str] = {}  # scenario name -> session id
        self._advanced: tuple | None = None  # (advance step, its target time) for a group
        self.visited: set[tuple[str, str]] = set()

    def execute(self) -> ScenarioResult:
        began = time.perf_counter()
        failure, step = None, None
        try:
            for _ in range(self.scenario.group):
                self._start()
                self.case_ids.append(self.case_id)
            steps = self.scenario.steps
            for index, step in enumerate(steps):
                following = steps[index + 1] if index + 1 < len(steps) else None
                if isinstance(step.action, SESSION_ACTIONS):
                    self.case_id = None  # a session step is about the group, not one case
                    self._session_step(step)
                    for case_id in list(self.case_ids):
                        self.case_id = case_id
                        self._after_action(step, following)
                    continue
                for case_id in self._targets(step):
                    self.case_id = case_id
                    self._do(step)
                    if not isinstance(step.action, Expect):
                        self._after_action(step, following)
        except _Stop as stop:
            failure = stop.failure
        except EngineError as err:
            failure = self._failure(step, str(err))
        except Exception as err:  # a bug in the engine or here must not stop the other scenarios
            failure = self._failure(step, f"unexpected error {type(err).__name__}: {err}")
        return ScenarioResult(
            self.scenario.name, str(self.scenario.file), "failed" if failure else "passed", failure,
            self.case_ids[0] if self.case_ids else self.case_id, frozenset(self.visited),
            round(time.perf_counter() - began, 3))

    # -- group sessions ----------------------------------------------------------------------
    def _targets(self, step: Step) -> list[str]:
        if step.case is None:
            return list(self.case_ids)
        if step.case > len(self.case_ids):
            self._stop(step, f"case {step.case}: the group has {len(self.case_ids)} case(s)")
        return [self.case_ids[step.case - 1]]

    def _numbered(self, step: Step, numbers) -> list[str]:
        for n in numbers:
            if n > len(self.case_ids):
                self._stop(step, f"case {n}: the group has {len(self.case_ids)} case(s)")
        return [self.case_ids[n - 1] for n in numbers]

    def _session_id(self, step: Step, name: str) -> str:
        if name not in self.sessions:
            known = ", ".join(self.sessions) or "none yet"
            self._stop(step, f"no session named '{name}' was planned in this scenario (planned: {known})")
        return self.sessions[name]

    def _session_step(self, step: Step) -> None:
        a = step.action
        if isinstance(a, PlanSession):
            self.sessions[a.name] = self.engine.add_session(self._new_session(step, a), actor=ACTOR).id
        elif isinstance(a, Enrol):
            cases = self.case_ids if a.cases is None else self._numbered(step, a.cases)
            self.engine.enrol_in_session(self._session_id(step, a.session), cases, actor=ACTOR)
        elif isinstance(a, Attendance):
            sid = self._session_id(step, a.session)
            enrolled = [p.case_id for p in self.engine.show_session(sid).participants or ()
                        if p.status == "ingeschreven"]
            absent, excused, refused = (self._numbered(step, n) for n in (a.absent, a.excused, a.refused))
            others = set(absent) | set(excused) | set(refused)
            self.engine.register_attendance(sid, present=[c for c in enrolled if c not in others], absent=absent,
                                            excused=excused, refused=refused, actor=ACTOR)
        elif isinstance(a, CancelSession):
            self.engine.cancel_session(self._session_id(step, a.session), a.reason, actor=ACTOR)

    def _new_session(self, step: Step, a: PlanSession):
        from datetime import datetime, timedelta

        from ..errors import InvalidInput
        from ..sessions import NewSession

        f = a.fields
        try:
            at = datetime.fromisoformat(str(f["at"])) if "at" in f else self.bench.clock.now + timedelta(days=7)
        except ValueError:
            raise InvalidInput(f"session {a.name}: at '{f['at']}' is not an ISO 8601 date and time") from None
        languages = f.get("language", "Nederlands")
        languages = tuple(languages) if isinstance(languages, list) else (str(languages),)
        gemeenten = f.get("gemeente", self.scenario.gemeente)
        gemeenten = tuple(gemeenten) if isinstance(gemeenten, list) else (str(gemeenten),)
        return NewSession(kind=f["kind"], title=str(f.get("title", a.name)), at=at,
                          dagdelen=int(f.get("dagdelen", 1)), capacity=int(f.get("capacity", 15)),
                          languages=languages, gemeenten=gemeenten, interpreter_type=f.get("interpreter"),
                          interpreter_language=f.get("interpreter_language"),
                          executor=str(f.get("executor", "gemeente")), official=f.get("official"))

    # -- steps -------------------------------------------------------------------------------
    def _start(self) -> None:
        s = self.scenario
        self.bench.clock.set(s.now)
        try:
            self.case_id = self.engine.start_case(s.process, s.gemeente, s.start, actor=ACTOR).id
        except FormInvalid as err:
            self._stop(None, "the start form refused the start data", "", "the data is accepted", _fields(err))
        except NotFound as err:
            startable = ", ".join(p for p, ok in self.bench.startable.items() if ok) or "none"
            self._stop(None, f"{err}; startable processes under {self.bench.folder}: {startable}")
        self._after_action(None, s.steps[0] if s.steps else None)

    def _do(self, step: Step) -> None:
        action = step.action
        if isinstance(action, Complete):
            self._complete(step, action)
        elif isinstance(action, Advance):
            # One move of the clock for the whole group: the first case of the step sets the target.
            if self._advanced is None or self._advanced[0] is not step:
                self._advanced = (step, action.duration.after(self.bench.clock.now))
            self.bench.clock.set(self._advanced[1])  # a timer due then fires (engine/instances.py, advance)
            self.engine.fire_due_timers(case_id=self.case_id)  # never another scenario's case
        elif isinstance(action, Expect):
            mismatches = check(action, self.engine.show_case(self.case_id))
            if mismatches:
                raise _Stop(self._failure(step, "the case is not as expected", tuple(mismatches)))
        else:
            self._expect_error(step, action)

    def _complete(self, step: Step, action: Complete) -> None:
        item = self._open_task(step, action.task)
        if action.role and item.role != action.role:
            self._stop(step, f"{action.task} belongs to another role", "as", action.role, item.role or "(no lane)")
        try:
            self.engine.complete_task(item.id, action.data, actor=ACTOR)
        except FormInvalid as err:
            self._stop(step, f"the form of {action.task} refused the data", "", "the data is accepted", _fields(err))

    def _expect_error(self, step: Step, action: ExpectError) -> None:
        item = self._open_task(step, action.task)
        wanted = f"the form refuses the data{f' naming {action.field}' if action.field else ''}"
        try:
            self.engine.complete_task(item.id, action.data, actor=ACTOR)
        except FormInvalid as err:
            hits = [(p, m) for p, m in err.errors if not action.field or p == action.field
                    or p.startswith(action.field + ".")]
            if action.message:
                hits = [(p, m) for p, m in hits if action.message.lower() in m.lower()]
                wanted += f" with a message containing '{action.message}'"
            if not hits:
                self._stop(step, f"the form of {action.task} refused the data, but not as expected", "",
                           wanted, _fields(err))
            return
        self._stop(step, f"the form of {action.task} accepted the data (the case moved on)", "", wanted,
                   "accepted")

    def _open_task(self, step: Step, task: str):
        open_tasks = self.engine.list_tasks(case_id=self.case_id)
        for item in open_tasks:
            if item.task == task:
                return item
        found = describe_open(open_tasks)
        if not open_tasks:
            found += f" (the case is {self.engine.show_case(self.case_id).summary.status})"
        self._stop(step, f"{task} is not open{self._unknown_hint(task)}", "open", task, found)

    def _after_action(self, step: Step | None, following: Step | None) -> None:
        """Collect the nodes the case ran, and stop at an incident unless the next step expects one."""
        self.visited |= self.engine.visited_nodes(self.case_id)
        detail = self.engine.show_case(self.case_id)
        if detail.summary.status != "error":
            return
        if following and isinstance(following.action, Expect) and following.action.status == "error":
            return
        incident = detail.incident
        where = incident.task if incident and incident.task else "an unknown element"
        self._stop(step, f"the case ran into an incident at {where}: {incident.message if incident else '?'}",
                   "status", "running or completed (write `expect: {status: error}` next if it is intended)",
                   "error")

    # -- failures ----------------------------------------------------------------------------
    def _unknown_hint(self, task: str) -> str:
        names = self.bench.element_names
        if task in names:
            return ""
        close = difflib.get_close_matches(task, names, n=1)
        hint = f"; did you mean '{close[0]}' ({names[close[0]]})?" if close else ""
        return f": there is no element '{task}' in the processes under {self.bench.folder}{hint}"

    def _failure(self, step: Step | None, message: str, details: Sequence[Mismatch] = ()) -> Failure:
        if len(self.case_ids) > 1 and self.case_id in self.case_ids:
            message = f"case {self.case_ids.index(self.case_id) + 1} of the group: {message}"
        if step is None:
            return Failure(None, None, "start", message, tuple(details))
        return Failure(step.number, step.line, step.describe(), message, tuple(details))

    def _stop(self, step: Step | None, message: str, key: str = "", expected: str | None = None,
              found: str | None = None) -> NoReturn:
        details = (Mismatch(key, expected, found),) if expected is not None else ()
        raise _Stop(self._failure(step, message, details))


def _fields(err: FormInvalid) -> str:
    return "; ".join(f"{path}: {message}" for path, message in err.errors)
