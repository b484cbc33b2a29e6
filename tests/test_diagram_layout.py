"""The shipped diagrams as a designer sees them in bpmn.io (issue 15, point 10), checked from the DI geometry.

Every file: no task name broken mid-word or running into its icon or marker, no label lying on a shape, no
boundary event over a call activity's marker, no flow detached from its shapes, no shapes drawn over each other.
Variant D and pvt_duo_registratie: no sequence flows cross. (The re-offer loops of A-C still cross once: with one
re-offer decision for both the workshop and the signing, the graph cannot be drawn on one side of the main row.)
"""

from pathlib import Path

import diagram_geometry as geometry
import pytest

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
FILES = sorted(PROCESSES.glob("*.bpmn"))
NO_CROSSINGS = ["pvt_duo_registratie.bpmn", "pvt_heraanbod.bpmn", "pvt_monitoring.bpmn", "pvt_termijnbewaking.bpmn",
                "pvt_uitvoering_afwachten.bpmn"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_names_labels_and_shapes_are_readable(path):
    d = geometry.load(path)
    problems = (geometry.broken_words(d) + geometry.crowded_names(d) + geometry.labels_on_shapes(d)
                + geometry.boundary_on_markers(d) + geometry.overlapping_shapes(d)
                + geometry.detached_flows(d, geometry.flow_refs(path)))
    assert problems == []


@pytest.mark.parametrize("name", NO_CROSSINGS)
def test_no_sequence_flows_cross(name):
    assert geometry.crossing_flows(geometry.load(PROCESSES / name)) == []


def test_the_checks_see_what_a_designer_sees(tmp_path):
    """A 100px task named with a 21-letter word, a label on a task and two crossing flows are all found."""
    bpmn = (PROCESSES / "pvt_heraanbod.bpmn").read_text()
    bpmn = bpmn.replace('name="Opnieuw aanbieden binnen de termijn?"', 'name="Termijnoverschrijding beoordelen"')
    bpmn = bpmn.replace('<dc:Bounds x="530" y="140" width="140" height="80" />',
                        '<dc:Bounds x="530" y="140" width="100" height="80" />')
    bpmn = bpmn.replace('<dc:Bounds x="715" y="205" width="110" height="14" />',
                        '<dc:Bounds x="600" y="150" width="110" height="14" />')
    bpmn = bpmn.replace('<di:waypoint x="338" y="180" /><di:waypoint x="422" y="180" />',
                        '<di:waypoint x="338" y="180" /><di:waypoint x="360" y="100" /><di:waypoint x="422" y="180" />')
    bpmn = bpmn.replace('<di:waypoint x="228" y="180" /><di:waypoint x="302" y="180" />',
                        '<di:waypoint x="228" y="180" /><di:waypoint x="300" y="130" /><di:waypoint x="400" y="130" /><di:waypoint x="302" y="180" />')
    path = tmp_path / "pvt_heraanbod.bpmn"
    path.write_text(bpmn)
    d = geometry.load(path)
    assert any("Termijnoverschrijding" in p for p in geometry.broken_words(d))
    assert any("EndEvent_HeraanbodBepaald" in p for p in geometry.labels_on_shapes(d))
    assert geometry.crossing_flows(d) != []
