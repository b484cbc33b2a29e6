"""Abilities per role: built in, overridable per installation in a TOML or YAML file (--policy FILE).

Roles are open-ended: any name that is not one of the special roles below is a caseworker role, named
after the BPMN lane whose tasks it works (`klantmanager`, `coordinator`, `trainer`...). The special roles
are `beheerder`, `ontwerper`, `auditor`, `worker` and `uitvoerder:ORG` (an outside executor).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidInput

# Every ability the engine checks, with the words of the refusal message ("may not <verb> <resource>").
ABILITIES: dict[str, str] = {
    "task.list": "list",  # the resource names what: "tasks of GM0363" (or "tasks", ANY_RESOURCE)
    "task.view": "open",
    "task.complete": "complete",
    "task.claim": "claim",
    "task.takeover": "take over",
    "case.list": "list",
    "case.view": "view the dossier of",
    "case.start": "start a case of",
    "case.retry": "retry",
    "case.cancel": "cancel",
    "case.migrate": "migrate",
    "process.list": "list",
    "process.validate": "validate",
    "process.test": "test",
    "process.deploy": "deploy",
    "audit.verify": "verify",
    "audit.replay": "replay",
    "audit.export": "export",
    "users.list": "list",
    "users.manage": "manage",  # the resource names whom: "user eve"
    "regions.list": "list",
    "regions.manage": "manage",  # "region noord"
    "access.read": "read the access log",
    "worker.run": "run the worker for",
    "message.send": "send",
    "case.note": "add a note to",
    "incident.list": "list incidents of",
    "external.work": "work on",
    "external.list": "list",
    "demo.seed": "seed demo data into",
    "report.view": "view",
    "session.view": "view",
    "session.plan": "plan",
    "session.attend": "register attendance of",
    "retention.view": "view the retention terms of",
    "case.purge": "erase",
    "register.view": "view the processing register of",
    "audit.anchor": "anchor",
    "restricted.view": "read the restricted (special category) fields of",
}
# What a refusal names when the check came before the resource was known ("may not complete tasks").
ANY_RESOURCE = {"task": "tasks", "case": "cases", "process": "processes", "audit": "case histories",
                "message": "messages", "external": "external tasks", "incident": "cases",
                "report": "monitoring figures", "session": "group sessions", "users": "users", "regions": "regions",
                "access": "", "worker": "timers", "demo": "this database",
                "retention": "cases", "register": "processes", "restricted": "cases"}
# Abilities that apply to the tasks of certain lanes only; the others apply to a whole gemeente.
LANE_BOUND = frozenset({"task.list", "task.view", "task.complete", "task.claim"})

CASEWORKER = frozenset({"task.list", "task.view", "task.complete", "task.claim",
                        "case.list", "case.view", "case.start", "process.list", "message.send",
                        "case.note", "session.view"})
# An outside executor plans and registers its own group sessions only (the session's executor is its
# organisation: engine/session_methods.py checks that beside the gemeente).
EXECUTOR = frozenset({"task.list", "task.view", "task.complete", "task.claim",
                      "session.view", "session.plan", "session.attend"})
BUILT_IN: dict[str, frozenset[str]] = {
    # restricted.view: the special categories (health) of a case, e.g. why someone could not sign.
    "coordinator": CASEWORKER | {"task.takeover", "external.list", "incident.list", "case.retry", "case.cancel",
                                 "report.view", "session.plan", "session.attend", "restricted.view"},
    # The workshop trainer: a caseworker of the trainer lane who registers attendance of whole sessions.
    "trainer": CASEWORKER | {"session.attend"},
    "auditor": frozenset({"audit.verify", "audit.replay", "audit.export", "case.list", "case.view",
                          "process.list", "access.read", "incident.list", "report.view", "audit.anchor",
                          "retention.view", "register.view"}),
    # The functionaris gegevensbescherming (privacy officer): oversight without dossiers. The retention
    # terms, the processing register, verification and anchors of the audit trail, the access log, and
    # erasure on a request under article 17 (an erasure shows no personal data to whoever runs it).
    "fg": frozenset({"retention.view", "register.view", "case.purge", "audit.verify", "audit.anchor",
                     "access.read", "process.list"}),
    # A beleidsmedewerker: the monitoring figures and reports of a gemeente (counts only, no dossiers).
    "beleid": frozenset({"report.view", "process.list"}),
    # A process designer deploys a fixed version and moves the running cases of their gemeenten onto it;
    # reads the processing register (it changes when a form gains a field).
    "ontwerper": frozenset({"process.validate", "process.test", "process.deploy", "process.list",
                            "case.migrate", "register.view"}),
    # The beheerder runs `traject purge --due` by hand where no worker does.
    "beheerder": frozenset({"users.list", "users.manage", "regions.list", "regions.manage", "access.read",
                            "worker.run", "demo.seed", "process.list", "retention.view", "case.purge"}),
    # The service account of `traject worker`, which also erases cases past their term.
    "worker": frozenset({"worker.run", "retention.view", "case.purge"}),
    # The service account of a connector (DUO, a zaaksysteem): messages in, external tasks done.
    "koppeling": frozenset({"message.send", "external.work", "external.list"}),
}
SPECIAL = frozenset({"auditor", "ontwerper", "beheerder", "worker", "koppeling", "beleid", "fg"})
EXECUTOR_PREFIX = "uitvoerder:"
DEFAULT_EXECUTOR_LANES = ("uitvoerder",)
ALL = "*"


@dataclass(frozen=True)
class RoleRule:
    abilities: frozenset[str]
    lanes: frozenset[str]  # lanes whose tasks the lane-bound abilities reach; "*" for every lane
    restricted_data: bool = False  # sees only the fields a task's form declares (outside executors)


@dataclass(frozen=True)
class Policy:
    roles: Mapping[str, RoleRule] = field(default_factory=dict)  # overrides per role name
    organisations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # executor lanes per org
    source: str | None = None

    def rule(self, role: str) -> RoleRule:
        if role in self.roles:
            return self.roles[role]
        if role.startswith(EXECUTOR_PREFIX):
            org = role[len(EXECUTOR_PREFIX):]
            lanes = self.organisations.get(org, DEFAULT_EXECUTOR_LANES)
            return RoleRule(EXECUTOR, frozenset(lanes), restricted_data=True)
        if role in BUILT_IN:
            lanes = frozenset() if role in SPECIAL else frozenset({role})
            return RoleRule(BUILT_IN[role], lanes)
        return RoleRule(CASEWORKER, frozenset({role}))

    def is_special(self, role: str) -> bool:
        return role in SPECIAL or role.startswith(EXECUTOR_PREFIX)


def load_policy(path: str | Path | None) -> Policy:
    """The installation's policy file (TOML or YAML), read once per command; the built-ins without one.

        [roles.coordinator]            # replace a role's abilities, or add to them
        add = ["audit.replay"]
        lanes = ["coordinator", "klantmanager"]
        [organisations.vluchtelingenwerk]
        lanes = ["uitvoerder", "trainer"]
    """
    if not path:
        return Policy()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"--policy: cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    raw = _parse(path, text)
    roles = {name: _role_rule(path, name, value) for name, value in _table(path, raw, "roles").items()}
    orgs = {}
    for org, value in _table(path, raw, "organisations").items():
        orgs[org] = tuple(_names(path, f"organisations.{org}.lanes", _table(path, {"x": value}, "x").get("lanes")))
    unknown = set(raw) - {"roles", "organisations"}
    if unknown:
        raise InvalidInput(f"{path}: unknown section(s) {', '.join(sorted(unknown))} (expected roles, organisations)")
    return Policy(roles, orgs, str(path))


def _parse(path: Path, text: str) -> dict:
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            raw = yaml.safe_load(text) or {}
        else:
            import tomllib

            raw = tomllib.loads(text)
    except Exception as err:  # tomllib and yaml raise their own error types; both name the line
        raise InvalidInput(f"{path}: not a valid policy file: {err}".splitlines()[0]) from None
    if not isinstance(raw, dict):
        raise InvalidInput(f"{path}: a policy file is a table of sections (roles, organisations)")
    return raw


def _table(path: Path, raw: dict, key: str) -> dict:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: '{key}' must be a table")
    return value


def _names(path: Path, where: str, value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{path}: {where} must be a list of names")
    return value


def _role_rule(path: Path, role: str, value) -> RoleRule:
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: roles.{role} must be a table")
    unknown_keys = set(value) - {"abilities", "add", "remove", "lanes"}
    if unknown_keys:
        raise InvalidInput(f"{path}: roles.{role}: unknown key(s) {', '.join(sorted(unknown_keys))}")
    base = Policy().rule(role)
    abilities = set(base.abilities)
    if "abilities" in value:
        abilities = set(_names(path, f"roles.{role}.abilities", value["abilities"]))
    abilities |= set(_names(path, f"roles.{role}.add", value.get("add")))
    abilities -= set(_names(path, f"roles.{role}.remove", value.get("remove")))
    unknown = abilities - set(ABILITIES)
    if unknown:
        raise InvalidInput(f"{path}: roles.{role}: unknown abilit(y/ies) {', '.join(sorted(unknown))}; "
                           f"known: {', '.join(ABILITIES)}")
    lanes = frozenset(_names(path, f"roles.{role}.lanes", value["lanes"])) if "lanes" in value else base.lanes
    return RoleRule(frozenset(abilities), lanes, base.restricted_data)
