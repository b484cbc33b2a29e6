"""The shipped BPMN opens cleanly in the designers' tools: diagram layout for every element, names on
every task, event and gateway, and no bpmnlint (recommended) errors."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from lxml import etree

from conftest import REPO

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
FILES = sorted((REPO / "processes").glob("*.bpmn"))
NAMED = ("task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "callActivity",
         "subProcess", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
         "boundaryEvent", "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway")
SHAPED = (*NAMED, "lane", "participant")


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_element_has_diagram_layout_and_a_name(path):
    root = etree.parse(str(path)).getroot()
    shapes = {s.get("bpmnElement") for s in root.iter(f"{{{DI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{DI}}}BPMNEdge")}
    for element in root.iter(*(f"{{{BPMN}}}{tag}" for tag in SHAPED)):
        assert element.get("id") in shapes, f"{path.name}: {element.get('id')} has no BPMNShape"
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        assert flow.get("id") in edges, f"{path.name}: {flow.get('id')} has no BPMNEdge"
    for element in root.iter(*(f"{{{BPMN}}}{tag}" for tag in NAMED)):
        assert (element.get("name") or "").strip(), f"{path.name}: {element.get('id')} has no name"


@pytest.fixture(scope="session")
def bpmnlint():
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("bpmnlint needs Node.js and npm, which this machine does not have")
    prefix = REPO / ".venv" / "node"
    binary = prefix / "node_modules" / ".bin" / "bpmnlint"
    if not binary.exists():
        result = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                                 "bpmnlint@11"], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            pytest.skip(f"npm could not install bpmnlint: {result.stderr.strip()[-300:]}")
    return binary


def test_bpmnlint_recommended_reports_no_errors(bpmnlint):
    result = subprocess.run([str(bpmnlint), *map(str, FILES)], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _lane_of(path, element_id: str) -> str | None:
    tree = etree.parse(str(path))
    for lane in tree.iter(f"{{{BPMN}}}lane"):
        if element_id in [ref.text for ref in lane.iter(f"{{{BPMN}}}flowNodeRef")]:
            return lane.get("name")
    return None


def test_the_deadline_watch_and_the_phone_call_sit_in_the_lane_of_the_role_that_does_them():
    """The watch over the PVT term is the coordinator's in every variant; calling the person after a
    second no-show is the klantmanager's (pvt_noshow_ladder says so) in both workshop processes."""
    variants = sorted((REPO / "processes").glob("pvt_[abcd]_*.bpmn"))
    assert len(variants) == 4
    assert {path.name: _lane_of(path, "CallActivity_Monitoring") for path in variants} == \
        {path.name: "coordinator" for path in variants}
    for name in ("pvt_workshop.bpmn", "pvt_workshop_sessie.bpmn"):
        assert _lane_of(REPO / "processes" / name, "Task_InburgeraarBellen") == "klantmanager"
