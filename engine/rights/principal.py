"""The acting user, resolved once per command: grants expanded to gemeenten, and the one check."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import NotAllowed
from .policy import ABILITIES, ALL, ANY_RESOURCE, LANE_BOUND, Policy


@dataclass(frozen=True)
class Grant:
    role: str
    scope_kind: str  # "gemeente" | "region" | "all"
    scope: str  # a CBS code, a region name, or "*"
    gemeenten: frozenset[str] | None  # the scope expanded; None means every gemeente

    def covers(self, gemeente: str | None) -> bool:
        return self.gemeenten is None or (gemeente is not None and gemeente in self.gemeenten)

    def to_json(self) -> dict:
        return {"role": self.role, "scope": self.scope_label(),
                "gemeenten": None if self.gemeenten is None else sorted(self.gemeenten)}

    def scope_label(self) -> str:
        return {"all": ALL, "region": f"regio {self.scope}"}.get(self.scope_kind, self.scope)


@dataclass(frozen=True)
class Resource:
    """What an action is about: its words for messages and logs, and what the check needs."""

    label: str  # e.g. "task 1f2e... (klantmanager, GM0014)"
    gemeente: str | None = None
    lane: str | None = None
    case_id: str | None = None
    is_task: bool = False  # lane-bound abilities then check `lane` (None: a task drawn outside any lane)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Principal:
    name: str
    grants: tuple[Grant, ...]
    policy: Policy
    known: bool  # in the user directory
    impersonated_by: str | None = None  # the PostgreSQL login that acts as this user for maintenance

    def grants_with(self, ability: str) -> list[Grant]:
        return [g for g in self.grants if ability in self.policy.rule(g.role).abilities]

    def lanes_of(self, grant: Grant) -> frozenset[str]:
        return self.policy.rule(grant.role).lanes

    def restricted(self, grant: Grant) -> bool:
        return self.policy.rule(grant.role).restricted_data

    def may(self, ability: str, resource: Resource | None = None) -> bool:
        for grant in self.grants_with(ability):
            if resource is None:
                return True
            if resource.gemeente is not None and not grant.covers(resource.gemeente):
                continue
            if ability in LANE_BOUND and resource.is_task and not self._reaches_lane(grant, resource.lane):
                continue
            return True
        return False

    def _reaches_lane(self, grant: Grant, lane: str | None) -> bool:
        lanes = self.lanes_of(grant)
        if lane is None:  # a task outside any lane (validate refuses those): only an every-lane grant
            return ALL in lanes
        return ALL in lanes or lane in lanes

    def require(self, ability: str, resource: Resource | None = None) -> None:
        """Refuse (NotAllowed, exit 4) unless a grant allows `ability` on `resource` (or on anything)."""
        if not self.may(ability, resource):
            raise self.refusal(ability, resource)

    def refusal(self, ability: str, resource: Resource | str | None, why: str | None = None) -> NotAllowed:
        if not resource:
            resource = ANY_RESOURCE.get(ability.split(".")[0], "")
        target = f" {resource}" if resource else ""
        reason = why or ("" if self.known else
                         f" ({self.name} is not in the user directory; a beheerder adds users with "
                         f"`traject users add {self.name} --role ROLE --gemeente GM0000`)")
        return NotAllowed(f"not allowed: {self.name} may not {ABILITIES.get(ability, ability)}{target}{reason}",
                          user=self.name, action=ability, resource=str(resource or ""),
                          case_id=getattr(resource, "case_id", None))  # so `access-log --case` shows it

    def sees_restricted_data(self, resource: Resource) -> bool:
        """True when the only grants that reach this task are outside-executor grants (form fields only)."""
        reaching = [g for g in self.grants_with("task.view")
                    if g.covers(resource.gemeente) and self._reaches_lane(g, resource.lane)]
        return bool(reaching) and all(self.restricted(g) for g in reaching)

    def is_restricted_only(self) -> bool:
        """Only outside-executor grants for tasks: lists show no BSN."""
        task_grants = self.grants_with("task.list")
        return bool(task_grants) and all(self.restricted(g) for g in task_grants)

    def gemeenten_with(self, ability: str) -> frozenset[str] | None:
        """Every gemeente some grant with this ability covers; None for all of them."""
        found: set[str] = set()
        for grant in self.grants_with(ability):
            if grant.gemeenten is None:
                return None
            found |= grant.gemeenten
        return frozenset(found)

    def to_json(self) -> dict:
        return {"user": self.name, "known": self.known, "impersonated_by": self.impersonated_by,
                "grants": [g.to_json() for g in self.grants], "policy": self.policy.source}


def case_resource(case_id: str, gemeente: str | None = None) -> Resource:
    """A case as the resource of a case ability: by its id at the command's door, with its gemeente once
    the case is read. The id goes into the access log with a refusal (`access-log --case`)."""
    return Resource(f"case {case_id} ({gemeente})" if gemeente else f"case {case_id}", gemeente, case_id=case_id)


def task_resource(item) -> Resource:
    """A work item (row or view) as the resource of a task ability."""
    return Resource(f"task {item.id} ({item.role or 'no lane'}, {item.gemeente})", item.gemeente, item.role,
                    item.case_id, is_task=True)
