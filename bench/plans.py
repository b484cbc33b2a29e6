"""Deterministic case scripts for pvt_basis: which task gets which data, and when the clock moves.

Both sides of the lifecycle benchmark (Traject and raw SpiffWorkflow) replay the same plan, so they do
the same work: the same start data, the same form data per task, the same timer waits.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .common import GEMEENTEN, T0

# Path through pvt_basis -> weight. Each is a list of (task bpmn id, fixed form values); "WAIT" lets
# 15 days pass so the 14-day DUO boundary timer fires.
PATHS = {
    "voldaan": (50, [("Task_Intake", {}), ("Task_WorkshopPlannen", {}),
                     ("Task_Aanwezigheid", {"aanwezig": "aanwezig"}),
                     ("Task_Ondertekening", {"resultaat": "voldaan"}),
                     ("Task_DuoRegistratie", {}), ("Task_Nazorg", {})]),
    "duo_te_laat": (20, [("Task_Intake", {}), ("Task_WorkshopPlannen", {}),
                         ("Task_Aanwezigheid", {"aanwezig": "aanwezig"}),
                         ("Task_Ondertekening", {"resultaat": "voldaan"}),
                         ("WAIT", 15), ("Task_HerinneringDuo", {}), ("Task_Nazorg", {})]),
    "herkansing": (15, [("Task_Intake", {}), ("Task_WorkshopPlannen", {}),
                        ("Task_Aanwezigheid", {"aanwezig": "no_show"}), ("Task_WorkshopPlannen", {}),
                        ("Task_Aanwezigheid", {"aanwezig": "aanwezig"}),
                        ("Task_Ondertekening", {"resultaat": "voldaan"}),
                        ("Task_DuoRegistratie", {}), ("Task_Nazorg", {})]),
    "niet_voldaan": (10, [("Task_Intake", {}), ("Task_WorkshopPlannen", {}),
                          ("Task_Aanwezigheid", {"aanwezig": "afgemeld"}), ("Task_WorkshopPlannen", {}),
                          ("Task_Aanwezigheid", {"aanwezig": "no_show"}),
                          ("Task_Ondertekening", {"resultaat": "niet_voldaan", "reden_niet_voldaan": "no_show"}),
                          ("Task_Verwijtbaarheid", {}), ("Task_Nazorg", {})]),
    "vrijgesteld": (5, [("Task_Intake", {})]),
}

FORMS = {  # task -> form file (as pvt_basis names them)
    "Task_Intake": "pvt-intake.schema.json", "Task_WorkshopPlannen": "pvt-workshop-plannen.schema.json",
    "Task_Aanwezigheid": "pvt-aanwezigheid.schema.json", "Task_Ondertekening": "pvt-ondertekening.schema.json",
    "Task_DuoRegistratie": "pvt-duo-registratie.schema.json",
    "Task_HerinneringDuo": "pvt-duo-registratie.schema.json",
    "Task_Verwijtbaarheid": "pvt-verwijtbaarheid.schema.json", "Task_Nazorg": "pvt-nazorg.schema.json",
}
START_FORM = "pvt-start.schema.json"


@dataclass(frozen=True)
class Step:
    kind: str  # "task": complete the one open task `task` with `data`; "wait": move the clock `days`
    task: str | None = None
    data: dict = field(default_factory=dict)
    days: int = 1  # the clock moves this many days before the step


@dataclass(frozen=True)
class CasePlan:
    index: int
    path: str
    gemeente: str
    start_data: dict
    steps: tuple[Step, ...]

    @property
    def human_steps(self) -> int:
        return sum(1 for s in self.steps if s.kind == "task")


def make_plans(count: int, schemas_dir: Path, seed: int = 2026, today: date | None = None) -> list[CasePlan]:
    """`count` case plans with schema-valid form data (checked here, and again by the engine).

    Ages hold from `today` (default T0) to a year later, whatever day within 90 days before it a case starts.
    """
    from jsonschema import Draft202012Validator

    from engine.demo.people import PersonFactory

    schemas = {name: json.loads((schemas_dir / name).read_text(encoding="utf-8"))
               for name in {START_FORM, *FORMS.values()}}
    validators = {name: Draft202012Validator(s, format_checker=Draft202012Validator.FORMAT_CHECKER)
                  for name, s in schemas.items()}
    rng = random.Random(seed)
    people = PersonFactory(seed)
    names, weights = list(PATHS), [PATHS[p][0] for p in PATHS]
    plans = []
    for index in range(count):
        path = rng.choices(names, weights)[0]
        plans.append(_plan(index, path, rng, people, schemas, validators, today or T0.date()))
    return plans


def _plan(index, path, rng, people, schemas, validators, today: date) -> CasePlan:
    from engine.demo.formdata import FormDataGenerator

    person = people.person(today)
    age = rng.randint(15, 16) if path == "vrijgesteld" else rng.randint(19, 60)
    # Exactly `age` years old on T0: born 1 to 300 days before the age-th birthday would fall on T0.
    birth = date(today.year - age, today.month, today.day) - timedelta(days=rng.randint(1, 300))
    start = {"naam": person.naam, "bsn": person.bsn, "geboortedatum": birth.isoformat(),
             "datum_vestiging": (today - timedelta(days=rng.randint(20, 90))).isoformat(),
             "regime": "WI2021", "doelgroep": rng.choice(["asielstatushouder", "gezinsvormer", "gezinshereniger"]),
             "voertaal": person.voertaal}
    _check(validators[START_FORM], start)
    steps = []
    day = today
    for task, value in PATHS[path][1]:
        if task == "WAIT":
            steps.append(Step("wait", days=value))
            day += timedelta(days=value)
            continue
        days = rng.randint(1, 3)
        day += timedelta(days=days)
        form = FORMS[task]
        data = FormDataGenerator(rng, day).generate(schemas[form], value)
        assert all(data.get(k) == v for k, v in value.items()), (task, value, data)
        _check(validators[form], data)
        steps.append(Step("task", task=task, data=data, days=days))
    return CasePlan(index, path, rng.choice(GEMEENTEN), start, tuple(steps))


def _check(validator, data: dict) -> None:
    errors = [e.message for e in validator.iter_errors(data)]
    if errors:
        raise AssertionError(f"bench plan produced invalid form data: {errors}")
