"""Who may see and do what: grants (role, scope), a policy of abilities per role, and one check.

Every Engine method resolves the acting user to a Principal once per command and asks
`Principal.require(action, resource)` before it reads or changes case data; lists are filtered in SQL
with the clauses of engine/rights/visibility.py. See README.md, "Rights".
"""
from .policy import ABILITIES, Policy, load_policy
from .principal import Grant, Principal, Resource, case_resource

__all__ = ["ABILITIES", "Grant", "Policy", "Principal", "Resource", "case_resource", "load_policy"]
