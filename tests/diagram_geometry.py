"""Geometry of a BPMN diagram (the DI): what a designer sees in bpmn.io, checked without a browser.

bpmn-js writes a task's name inside its shape at 12px Arial, wrapping at spaces only; a word wider than the shape
is broken mid-word. External labels (events, gateways, flows) are drawn in their own bounds. These helpers estimate
widths with an Arial character table, close enough to catch a 20-character word in a 100px task.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
# Arial advance widths in 1/1000 em for the characters Dutch names use; others count as 'n'.
_ARIAL = {**{c: 556 for c in "abdeghnopqu0123456789"}, **{c: 500 for c in "cksvxyz"}, **{c: 278 for c in "fijlt"},
          "r": 333, "m": 833, "w": 722, " ": 278, "-": 333, "(": 333, ")": 333, ",": 278, ".": 278, ":": 278,
          "?": 556, "'": 191, "ë": 556, "é": 556}
_ARIAL_UPPER = {**{c: 667 for c in "ABEKPSVXY"}, **{c: 722 for c in "CDHNRUW"}, "F": 611, "G": 778, "I": 278, "J": 500,
                "L": 556, "M": 833, "O": 778, "Q": 778, "T": 611, "Z": 611}
TASK_TYPES = ("task", "userTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "manualTask",
              "businessRuleTask", "callActivity", "subProcess")
TASK_PADDING = 7  # bpmn-js keeps 7px free on each side of a task's text (BpmnRenderer: padding 7)


# Rendered text came out about 10% wider than the table (kerning off, rounding): measured in bpmn-js 18 / Chromium.
SAFETY = 1.1


def text_width(text: str, size: float = 12) -> float:
    return sum((_ARIAL_UPPER.get(c) or _ARIAL.get(c, 556)) for c in text) * size / 1000 * SAFETY


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, margin: float = 0) -> bool:
        return (self.x + margin < other.x + other.w and other.x + margin < self.x + self.w
                and self.y + margin < other.y + other.h and other.y + margin < self.y + self.h)


@dataclass
class Diagram:
    path: Path
    shapes: dict[str, Box]          # flow node id -> shape bounds
    labels: dict[str, Box]          # element id -> external label bounds
    edges: dict[str, list[tuple[float, float]]]  # sequence flow id -> waypoints
    kinds: dict[str, str]           # element id -> BPMN tag (local name)
    names: dict[str, str]
    attached: dict[str, str]        # boundary event id -> the activity it sits on


def load(path: Path) -> Diagram:
    root = etree.parse(str(path)).getroot()
    kinds, names, attached = {}, {}, {}
    for el in root.iter(f"{{{NS['bpmn']}}}*"):
        if el.get("id"):
            kinds[el.get("id")] = etree.QName(el).localname
            names[el.get("id")] = el.get("name") or ""
            if el.get("attachedToRef"):
                attached[el.get("id")] = el.get("attachedToRef")
    shapes, labels, edges = {}, {}, {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        ref = shape.get("bpmnElement")
        b = shape.find("dc:Bounds", NS)
        shapes[ref] = Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))
        lb = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if lb is not None:
            labels[ref] = Box(*(float(lb.get(k)) for k in ("x", "y", "width", "height")))
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        ref = edge.get("bpmnElement")
        edges[ref] = [(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)]
        lb = edge.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if lb is not None:
            labels[ref] = Box(*(float(lb.get(k)) for k in ("x", "y", "width", "height")))
    return Diagram(path, shapes, labels, edges, kinds, names, attached)


def broken_words(d: Diagram) -> list[str]:
    """Tasks whose name has a word wider than the shape: bpmn-js breaks it mid-word."""
    out = []
    for el, box in d.shapes.items():
        if d.kinds.get(el) not in TASK_TYPES:
            continue
        room = box.w - 2 * TASK_PADDING
        for word in d.names[el].split():
            if text_width(word) > room:
                out.append(f"{d.path.name}: {el} '{word}' is {text_width(word):.0f}px in a {box.w:.0f}px shape")
    return out


def _flow_nodes(d: Diagram) -> dict[str, Box]:
    skip = ("participant", "lane")
    return {el: b for el, b in d.shapes.items() if d.kinds.get(el) not in skip}


def labels_on_shapes(d: Diagram) -> list[str]:
    """External labels drawn over a flow node (a task, event or gateway) other than their own element."""
    out = []
    nodes = _flow_nodes(d)
    for el, label in d.labels.items():
        for other, box in nodes.items():
            if other == el:
                continue
            if label.overlaps(box, margin=1):
                out.append(f"{d.path.name}: label of {el} ({d.names.get(el)!r}) lies on {other}")
    return out


def boundary_on_markers(d: Diagram) -> list[str]:
    """A boundary event over the bottom-centre marker of its activity (the call activity's '+', a loop marker)."""
    out = []
    for ev, activity in d.attached.items():
        if ev not in d.shapes or activity not in d.shapes or d.kinds.get(activity) not in ("callActivity", "subProcess"):
            continue
        a, e = d.shapes[activity], d.shapes[ev]
        marker = Box(a.x + a.w / 2 - 10, a.y + a.h - 16, 20, 16)
        if e.overlaps(marker):
            out.append(f"{d.path.name}: boundary event {ev} covers the marker of {activity}")
    return out


def _segments(points):
    return list(zip(points, points[1:], strict=False))


def _cross(p, q, r, s) -> bool:
    """Proper crossing of segments pq and rs (touching at an end point or running along each other is not)."""
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 0) - (v < 0)
    o1, o2, o3, o4 = orient(p, q, r), orient(p, q, s), orient(r, s, p), orient(r, s, q)
    return o1 * o2 < 0 and o3 * o4 < 0


def crossing_flows(d: Diagram) -> list[str]:
    """Pairs of sequence flows whose lines cross (message flows and associations are left out)."""
    flows = {f: pts for f, pts in d.edges.items() if d.kinds.get(f) == "sequenceFlow"}
    out = []
    ids = sorted(flows)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if any(_cross(p, q, r, s) for p, q in _segments(flows[a]) for r, s in _segments(flows[b])):
                out.append(f"{d.path.name}: {a} crosses {b}")
    return out


def wrapped_lines(name: str, width: float) -> int:
    """Lines bpmn-js needs for a task name in a shape this wide (greedy wrap at spaces)."""
    room = width - 2 * TASK_PADDING
    lines, current = 0, ""
    for word in name.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate) > room:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines + (1 if current else 0)


# Text lines a task can hold before its name runs into the type icon (top left: a third line starts beside it)
# or the call activity's marker (bottom centre: a fourth line reaches it).
MAX_LINES_WITH_ICON = 2
MAX_LINES_WITH_MARKER = 3
MAX_LINES = 4
ICON_TYPES = ("userTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask")
MARKER_TYPES = ("callActivity", "subProcess")


def crowded_names(d: Diagram) -> list[str]:
    """Task names that need more lines than fit between the type icon and the call activity's marker."""
    out = []
    for el, box in d.shapes.items():
        kind = d.kinds.get(el)
        if kind not in TASK_TYPES:
            continue
        limit = (MAX_LINES_WITH_ICON if kind in ICON_TYPES
                 else MAX_LINES_WITH_MARKER if kind in MARKER_TYPES else MAX_LINES)
        lines = wrapped_lines(d.names[el], box.w)
        if lines > limit:
            out.append(f"{d.path.name}: {el} needs {lines} lines in a {box.w:.0f}px shape (at most {limit})")
    return out


def _distance_to_box(p, b: Box) -> float:
    dx = max(b.x - p[0], 0, p[0] - (b.x + b.w))
    dy = max(b.y - p[1], 0, p[1] - (b.y + b.h))
    return (dx * dx + dy * dy) ** 0.5


def detached_flows(d: Diagram, refs: dict[str, tuple[str, str]], tolerance: float = 3) -> list[str]:
    """Sequence flows whose first or last waypoint is not on (or in) the shape it connects."""
    out = []
    for flow, (source, target) in refs.items():
        pts = d.edges.get(flow)
        if not pts or source not in d.shapes or target not in d.shapes:
            continue
        if _distance_to_box(pts[0], d.shapes[source]) > tolerance:
            out.append(f"{d.path.name}: {flow} starts away from {source}")
        if _distance_to_box(pts[-1], d.shapes[target]) > tolerance:
            out.append(f"{d.path.name}: {flow} ends away from {target}")
    return out


def flow_refs(path: Path) -> dict[str, tuple[str, str]]:
    root = etree.parse(str(path)).getroot()
    return {f.get("id"): (f.get("sourceRef"), f.get("targetRef"))
            for f in root.iter(f"{{{NS['bpmn']}}}sequenceFlow", f"{{{NS['bpmn']}}}messageFlow")}


def overlapping_shapes(d: Diagram) -> list[str]:
    """Two flow nodes drawn over each other (a boundary event on its own activity is meant to)."""
    nodes = _flow_nodes(d)
    ids = sorted(nodes)
    out = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if d.attached.get(a) == b or d.attached.get(b) == a:
                continue
            if nodes[a].overlaps(nodes[b], margin=1):
                out.append(f"{d.path.name}: {a} overlaps {b}")
    return out
