"""Parallel joins that can never fire: the classic deadlock of a drawn process.

A parallel gateway waits for a token on every incoming flow. When two of its incoming paths exclude
each other, it waits forever once one was taken, and the case stays open with nothing to do (the
engine then raises an incident, engine.instances.check_can_go_on). Two patterns are found here:
- an interrupting boundary event's path and its activity's own path both run into the join (when the
  timer fires, the activity is cancelled and its path never arrives);
- two branches of one exclusive or event-based gateway both run into the join (only one is taken).
Each incoming path is followed back along plain sequence (one incoming flow per node) to where it
began; a path that merges or splits on the way is not judged, so a note here is never a false alarm.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .documents import Document, bpmn, local_name
from .problem import Problem
from .structure import CONTAINERS, flow_nodes, sequence_flows

CHOICES = ("exclusiveGateway", "eventBasedGateway")


@dataclass(frozen=True)
class _Path:
    """An incoming path of a join, traced back: the nodes on it and the node it began at."""
    nodes: tuple[str, ...]
    origin: str | None  # the split or boundary event it leaves from, when it is one


def join_problems(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    notes = []
    for container in doc.root.iter(*(bpmn(tag) for tag in CONTAINERS)):
        notes += _container_notes(doc, container)
    return notes


def _container_notes(doc: Document, container: etree._Element) -> list[Problem]:
    nodes = flow_nodes(container)
    incoming: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    outgoing_count: dict[str, int] = dict.fromkeys(nodes, 0)
    for flow in sequence_flows(container):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in nodes and target in nodes:
            incoming[target].append(source)
            outgoing_count[source] += 1
    notes = []
    for join_id, join in nodes.items():
        if local_name(join) == "parallelGateway" and len(incoming[join_id]) >= 2:
            paths = [_trace(source, nodes, incoming, outgoing_count) for source in incoming[join_id]]
            if (reason := _exclusion(paths, nodes)) is not None:
                notes.append(doc.note(join, f"parallelGateway '{join_id}' waits for all its incoming "
                                      f"flows, but {reason}: a case that takes one stops here for good "
                                      "(an incident); use an exclusive gateway to merge these paths"))
    return notes


def _trace(start: str, nodes: dict, incoming: dict, outgoing_count: dict) -> _Path:
    seen: list[str] = []
    node_id = start
    while node_id not in seen:
        seen.append(node_id)
        kind = local_name(nodes[node_id])
        if kind in CHOICES or kind == "boundaryEvent" or outgoing_count[node_id] > 1:
            return _Path(tuple(seen), node_id)  # where this path began
        if len(incoming[node_id]) != 1 or kind.endswith("Gateway"):
            break  # a merge, a start or a gateway: not judged
        node_id = incoming[node_id][0]
    return _Path(tuple(seen), None)


def _exclusion(paths: list[_Path], nodes: dict) -> str | None:
    for i, one in enumerate(paths):
        for other in paths[i + 1:]:
            for a, b in ((one, other), (other, one)):
                if a.origin is None:
                    continue
                origin = nodes[a.origin]
                kind = local_name(origin)
                if kind == "boundaryEvent" and origin.get("cancelActivity") != "false" \
                        and origin.get("attachedToRef") in b.nodes:
                    return (f"boundary event '{a.origin}' cancels '{origin.get('attachedToRef')}', whose "
                            "path also runs into it")
                if kind in CHOICES and a.origin == b.origin:
                    return f"{kind} '{a.origin}' takes only one of the paths that run into it"
    return None
