"""The legal minimum of the PVT: every path of a startable process that ends with the PVT fulfilled
passes through a workshop on the core values (at least one dagdeel) and the offer to sign the
participatieverklaring in Dutch, following call activities and embedded subprocesses.

The check reads markers, not names (spiffworkflow:property on the elements):
  pvt_onderdeel = workshop_kernwaarden (with dagdelen >= 1) | aanbod_ondertekening
  pvt_uitkomst  = voldaan (on the end events where the PVT is fulfilled)
A process with no end event marked voldaan makes no claim and is not checked. A call activity or
subprocess counts as a workshop (or offer) only when every path through it passes one; leaving an
activity through a boundary event does not count as having passed it.
"""
from __future__ import annotations

from collections import deque

from lxml import etree

from .documents import NS, Document, bpmn, local_name
from .problem import Problem
from .structure import FLOW_NODES

MARK, OUTCOME, FULFILLED = "pvt_onderdeel", "pvt_uitkomst", "voldaan"
REQUIRED = {
    "workshop_kernwaarden": "a workshop on the core values of at least one dagdeel",
    "aanbod_ondertekening": "the offer to sign the participatieverklaring in Dutch",
}


def prop(element: etree._Element, name: str) -> str | None:
    values = element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
                           "[@name=$name]/@value", name=name, namespaces=NS)
    return values[0].strip() if values else None


class _Library:
    """All processes of the files being validated, and which marks each one guarantees."""

    def __init__(self, docs: list[Document]):
        self.processes = {p.get("id"): p for d in docs if d.kind == "bpmn" for p in d.root.iter(bpmn("process"))}
        self._guaranteed: dict[tuple[str, str], bool] = {}

    def provides(self, node: etree._Element, mark: str) -> bool:
        if prop(node, MARK) == mark:
            return True
        kind = local_name(node)
        if kind == "callActivity":
            return self._process_guarantees(node.get("calledElement"), mark)
        if kind in ("subProcess", "transaction"):
            return _Graph(node, self).guarantees(mark)
        return False

    def _process_guarantees(self, process_id: str | None, mark: str) -> bool:
        key = (process_id or "", mark)
        if key not in self._guaranteed:
            self._guaranteed[key] = False  # a call cycle guarantees nothing
            process = self.processes.get(process_id)
            self._guaranteed[key] = process is not None and _Graph(process, self).guarantees(mark)
        return self._guaranteed[key]


class _Graph:
    """Flow nodes of one container and the ways between them."""

    def __init__(self, container: etree._Element, library: _Library):
        self.library = library
        self.nodes = {el.get("id"): el for el in container
                      if local_name(el) in FLOW_NODES and el.get("id") and el.get("triggeredByEvent") != "true"}
        self.next: dict[str, list[str]] = {node_id: [] for node_id in self.nodes}
        for flow in (el for el in container if local_name(el) == "sequenceFlow"):
            if flow.get("sourceRef") in self.nodes and flow.get("targetRef") in self.nodes:
                self.next[flow.get("sourceRef")].append(flow.get("targetRef"))
        for node_id, node in self.nodes.items():  # a boundary event leaves its activity before it completed
            attached = node.get("attachedToRef")
            if local_name(node) == "boundaryEvent" and attached in self.nodes:
                for before in [n for n, targets in self.next.items() if attached in targets]:
                    self.next[before].append(node_id)
        self.starts = [n for n, el in self.nodes.items() if local_name(el) == "startEvent"]

    def ends(self) -> list[str]:
        return [n for n, el in self.nodes.items() if local_name(el) == "endEvent" or not self.next[n]]

    def path_avoiding(self, mark: str, targets: list[str]) -> list[str] | None:
        """A way from a start to one of `targets` that passes no element providing `mark`."""
        blocked = {n for n, el in self.nodes.items() if self.library.provides(el, mark)}
        parent: dict[str, str | None] = {s: None for s in self.starts if s not in blocked}
        queue = deque(parent)
        while queue:
            current = queue.popleft()
            if current in targets:
                path = [current]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return path[::-1]
            for following in self.next[current]:
                if following not in parent and following not in blocked:
                    parent[following] = current
                    queue.append(following)
        return None

    def guarantees(self, mark: str) -> bool:
        return bool(self.starts) and self.path_avoiding(mark, self.ends()) is None


def legal_problems(docs: list[Document]) -> list[Problem]:
    library = _Library(docs)
    called = {c.get("calledElement") for d in docs if d.kind == "bpmn" for c in d.root.iter(bpmn("callActivity"))}
    problems: list[Problem] = []
    for doc in (d for d in docs if d.kind == "bpmn"):
        problems += _dagdelen_problems(doc)
        for process in doc.root.iter(bpmn("process")):
            if process.get("id") not in called:  # building blocks are checked through their callers
                problems += _process_problems(doc, process, library)
    return problems


def _process_problems(doc: Document, process: etree._Element, library: _Library) -> list[Problem]:
    graph = _Graph(process, library)
    fulfilled = [n for n, el in graph.nodes.items() if local_name(el) == "endEvent" and prop(el, OUTCOME) == FULFILLED]
    problems = []
    for mark, what in REQUIRED.items():
        for end in fulfilled:
            path = graph.path_avoiding(mark, [end])
            if path:
                problems.append(doc.problem(graph.nodes[end], (
                    f"process '{process.get('id')}' can end with the PVT fulfilled without {what}: "
                    f"path {' -> '.join(path)} has no element marked {MARK}={mark}")))
    return problems


def _dagdelen_problems(doc: Document) -> list[Problem]:
    problems = []
    for element in doc.root.iter():
        if isinstance(element.tag, str) and local_name(element) in FLOW_NODES \
                and prop(element, MARK) == "workshop_kernwaarden":
            value = prop(element, "dagdelen") or ""
            if not value.isdigit() or int(value) < 1:
                problems.append(doc.problem(element, (
                    f"the core-values workshop '{element.get('id')}' must last at least one dagdeel "
                    f"(property dagdelen is '{value or 'missing'}')")))
    return problems
