"""Rights as SQL: the WHERE clauses that keep lists to what the acting user may see.

Grants with the same lanes are merged into one `role IN (..) AND gemeente IN (..)` term, so a user with one
role in one gemeente gets exactly the query the worklist index (ix_work_items_queue) serves today.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, true

from ..store.schema import cases, work_items
from .policy import ALL
from .principal import Principal


def task_clause(principal: Principal, ability: str = "task.list"):
    """Work items whose lane and gemeente some grant with `ability` reaches."""
    merged: dict[frozenset[str], set[str] | None] = {}
    for grant in principal.grants_with(ability):
        key = principal.lanes_of(grant)
        if key in merged and merged[key] is None:
            continue
        merged[key] = None if grant.gemeenten is None else (merged.get(key) or set()) | grant.gemeenten
    terms = []
    for lanes, gemeenten in merged.items():
        conditions = []
        if ALL not in lanes:
            # No `OR role IS NULL`: it stops the worklist index from serving the query (team view p95 at
            # 100,000 open cases 2 -> 24 ms), and validate requires a lane on every task (engine/validation).
            conditions.append(work_items.c.role.in_(sorted(lanes)))
        if gemeenten is not None:
            conditions.append(work_items.c.gemeente.in_(sorted(gemeenten)))
        terms.append(and_(*conditions) if conditions else true())
    return or_(*terms) if terms else false()


def case_clause(principal: Principal, ability: str = "case.list", column=cases.c.gemeente):
    """Cases (or any row with a gemeente column) in the scope of `ability`."""
    gemeenten = principal.gemeenten_with(ability)
    if gemeenten is None:
        return true()
    return column.in_(sorted(gemeenten)) if gemeenten else false()
