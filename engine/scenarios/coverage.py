"""Flow-node coverage: which tasks, events and gateways of each process the scenarios ran.

The flow nodes come from the BPMN files themselves (not from SpiffWorkflow's specs, which add hidden
helper tasks), so what is counted is exactly what a designer sees in the modeler.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..bundle import SourceFile
from ..xmlsafe import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
FLOW_NODE_TAGS = (
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
)
# The engine reports a node inside an embedded subprocess (or event subprocess) as the process around it
# (engine.instances.visited_nodes): its id is unique in the file, and the designer drew it in that process.
_FLOW_NODES = ".//*[" + " or ".join(f"self::bpmn:{tag}" for tag in FLOW_NODE_TAGS) + "]"


@dataclass(frozen=True)
class FlowNode:
    scope: str  # the process id, also for a node inside an embedded subprocess
    id: str
    name: str
    kind: str  # the BPMN tag, e.g. userTask


@dataclass(frozen=True)
class ProcessCoverage:
    process_id: str
    name: str
    startable: bool
    nodes: tuple[FlowNode, ...]
    unvisited: tuple[FlowNode, ...]

    @property
    def visited(self) -> int:
        return len(self.nodes) - len(self.unvisited)

    @property
    def percent(self) -> float:
        return percent(self.visited, len(self.nodes))


@dataclass(frozen=True)
class Coverage:
    processes: tuple[ProcessCoverage, ...]

    @property
    def nodes(self) -> int:
        return sum(len(p.nodes) for p in self.processes)

    @property
    def visited(self) -> int:
        return sum(p.visited for p in self.processes)

    @property
    def percent(self) -> float:
        return percent(self.visited, self.nodes)


def percent(part: int, whole: int) -> float:
    return 100.0 if whole == 0 else round(100.0 * part / whole, 1)


def flow_nodes(files: Iterable[SourceFile]) -> dict[str, tuple[str, tuple[FlowNode, ...]]]:
    """process id -> (process name, its flow nodes in file order), for every process in the BPMN files."""
    catalog = {}
    for source in files:
        if source.kind != "bpmn":
            continue
        for process in parse_xml(source.content).getroot().iterfind("bpmn:process", NS):
            pid = process.get("id")
            nodes = tuple(_node(element, pid) for element in process.xpath(_FLOW_NODES, namespaces=NS))
            catalog[pid] = (_clean(process.get("name")) or pid, nodes)
    return catalog


def measure(catalog: Mapping[str, tuple[str, tuple[FlowNode, ...]]], startable: Mapping[str, bool],
            visited: set[tuple[str, str]]) -> Coverage:
    """Coverage of the deployed processes (`startable`: process id -> startable) by `visited` nodes."""
    rows = []
    for pid in sorted(startable, key=lambda p: (not startable[p], p)):  # variants first, then blocks
        name, nodes = catalog.get(pid, (pid, ()))
        unvisited = tuple(n for n in nodes if (n.scope, n.id) not in visited)
        rows.append(ProcessCoverage(pid, name, startable[pid], nodes, unvisited))
    return Coverage(tuple(rows))


def element_names(catalog: Mapping[str, tuple[str, tuple[FlowNode, ...]]]) -> dict[str, str]:
    """Every flow node id in the deployed files -> its name (for "did you mean" hints)."""
    return {n.id: n.name for _, nodes in catalog.values() for n in nodes}


def _node(element, process_id: str) -> FlowNode:
    kind = element.tag.split("}", 1)[-1]
    return FlowNode(process_id, element.get("id"), _clean(element.get("name")), kind)


def _clean(name: str | None) -> str:
    return " ".join((name or "").split())
