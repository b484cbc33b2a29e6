"""The legal-minimum check: a path to 'PVT fulfilled' must pass the core-values workshop and the offer
to sign in Dutch, following call activities. Markers, not names, drive it."""
from __future__ import annotations

from pathlib import Path

from engine.bundle import collect
from engine.validation import validate_files

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
          '20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
          'id="Defs_{pid}" targetNamespace="http://traject.example/test">\n')


def props(**values) -> str:
    inner = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in values.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"


def process(pid: str, nodes: list[str], flows: list[tuple[str, str, str | None]], lane_nodes: list[str]) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in lane_nodes)
    body = "\n".join(nodes)
    edges = "\n".join(
        f'<bpmn:sequenceFlow id="F_{a}_{b}" sourceRef="{a}" targetRef="{b}">'
        + (f'<bpmn:conditionExpression>{c}</bpmn:conditionExpression>' if c else "") + "</bpmn:sequenceFlow>"
        for a, b, c in flows)
    return (HEADER.format(pid=pid) + f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">'
            f'<bpmn:laneSet id="LS_{pid}"><bpmn:lane id="L_{pid}" name="klantmanager">{refs}</bpmn:lane></bpmn:laneSet>'
            f"{body}\n{edges}</bpmn:process></bpmn:definitions>\n")


def workshop_block(marked: bool = True) -> str:
    mark = props(pvt_onderdeel="workshop_kernwaarden", dagdelen="1") if marked else ""
    return process("blok_workshop", [
        '<bpmn:startEvent id="WS_start" name="s"/>',
        f'<bpmn:userTask id="WS_sessie" name="Workshop">{mark}</bpmn:userTask>',
        '<bpmn:endEvent id="WS_eind" name="e"/>',
    ], [("WS_start", "WS_sessie", None), ("WS_sessie", "WS_eind", None)], ["WS_sessie"])


def variant(skip_gateway: bool = False, offer: bool = True, boundary: bool = False) -> str:
    offer_props = props(pvt_onderdeel="aanbod_ondertekening") if offer else ""
    nodes = [
        '<bpmn:startEvent id="V_start" name="s"/>',
        '<bpmn:callActivity id="V_workshop" name="Workshop" calledElement="blok_workshop"/>',
        f'<bpmn:userTask id="V_aanbod" name="Aanbod">{offer_props}</bpmn:userTask>',
        f'<bpmn:endEvent id="V_voldaan" name="Voldaan">{props(pvt_uitkomst="voldaan")}</bpmn:endEvent>',
    ]
    flows = [("V_start", "V_workshop", None), ("V_workshop", "V_aanbod", None), ("V_aanbod", "V_voldaan", None)]
    if skip_gateway:
        nodes[0:1] = ['<bpmn:startEvent id="V_start" name="s"/>',
                      '<bpmn:exclusiveGateway id="V_gw" name="Snel?" default="F_V_gw_V_workshop"/>']
        flows = [("V_start", "V_gw", None), ("V_gw", "V_workshop", None), ("V_gw", "V_aanbod", "snel")] + flows[1:]
    if boundary:
        nodes.append('<bpmn:boundaryEvent id="V_te_laat" name="Te laat" attachedToRef="V_workshop">'
                     '<bpmn:timerEventDefinition><bpmn:timeDuration>"P30D"</bpmn:timeDuration>'
                     '</bpmn:timerEventDefinition></bpmn:boundaryEvent>')
        flows.append(("V_te_laat", "V_aanbod", None))
    return process("variant", nodes, flows, ["V_aanbod"])


def check(tmp_path: Path, variant_xml: str, block_xml: str | None = None) -> list:
    (tmp_path / "variant.bpmn").write_text(variant_xml)
    (tmp_path / "blok.bpmn").write_text(block_xml or workshop_block())
    return [p for p in validate_files(collect([tmp_path])) if "PVT fulfilled" in p.message or "dagdeel" in p.message]


def test_a_complete_variant_passes(tmp_path):
    assert check(tmp_path, variant()) == []


def test_a_variant_without_the_offer_fails_naming_the_path(tmp_path):
    problems = check(tmp_path, variant(offer=False))
    assert len(problems) == 1
    assert problems[0].element_id == "V_voldaan"
    assert "the offer to sign" in problems[0].message
    assert "V_start -> V_workshop -> V_aanbod -> V_voldaan" in problems[0].message


def test_a_building_block_without_its_workshop_marker_fails_the_caller(tmp_path):
    problems = check(tmp_path, variant(), workshop_block(marked=False))
    assert len(problems) == 1 and "workshop on the core values" in problems[0].message


def test_a_path_around_the_workshop_fails(tmp_path):
    problems = check(tmp_path, variant(skip_gateway=True))
    assert len(problems) == 1
    assert "V_start -> V_gw -> V_aanbod -> V_voldaan" in problems[0].message


def test_leaving_the_workshop_through_a_boundary_event_does_not_count(tmp_path):
    problems = check(tmp_path, variant(boundary=True))
    assert len(problems) == 1 and "V_te_laat" in problems[0].message


def test_a_workshop_needs_at_least_one_dagdeel(tmp_path):
    block = workshop_block().replace('value="1"', 'value="0"')
    problems = check(tmp_path, variant(), block)
    assert any("at least one dagdeel" in p.message and p.element_id == "WS_sessie" for p in problems)


def test_processes_without_a_fulfilled_end_are_not_checked(tmp_path):
    unmarked = variant(offer=False).replace(props(pvt_uitkomst="voldaan"), "")
    assert check(tmp_path, unmarked) == []
