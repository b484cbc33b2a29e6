"""Checks a process designer relies on (issue 15, point 11), tried on a copy of the shipped library.

Each test copies processes/ and schemas/ into the test's own folder, makes the mistake a designer
makes, and runs `traject validate` / `traject deploy` as a user would.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import REPO


def copy_library(target: Path, with_schemas: bool = True) -> Path:
    shutil.copytree(REPO / "processes", target / "processes")
    if with_schemas:
        shutil.copytree(REPO / "schemas", target / "schemas")
    return target / "processes"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, marker: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if marker in line)


def test_a_typo_in_a_gateway_condition_is_a_finding_with_a_suggestion_and_blocks_deploy(cli, tmp_path):
    folder = copy_library(tmp_path / "copy")
    variant = folder / "pvt_a_klein_intern.bpmn"
    edit(variant, ">not pvt_plichtig<", ">not pvt_plichtg<")

    result = cli("validate", str(folder))

    assert result.code == 1
    expected = (f"{variant}:{line_of(variant, 'not pvt_plichtg')}: Flow_PvtPlichtig_Vrijgesteld: condition reads "
                "'pvt_plichtg'")
    assert expected in result.out
    assert "did you mean 'pvt_plichtig'?" in result.out
    assert cli("deploy", str(folder)).code != 0
    assert cli.ok("processes") == []


def test_a_name_read_by_a_script_that_nothing_defines_is_reported_on_its_script_line(cli, tmp_path):
    folder = copy_library(tmp_path / "copy")
    block = folder / "pvt_monitoring.bpmn"
    edit(block, "pvt_deadline = nieuwe_deadline\n", "pvt_deadline = nieuwe_termijn_duo\n")

    result = cli("validate", str(folder))

    assert result.code == 1
    assert (f"{block}:{line_of(block, 'pvt_deadline = nieuwe_termijn_duo')}: Task_NieuweTermijn: script reads "
            "'nieuwe_termijn_duo'") in result.out


def test_the_shipped_library_defines_every_name_it_reads(cli):
    result = cli("validate", str(REPO / "processes"))
    assert result.code == 0, result.out


def test_a_flow_node_or_flow_without_a_diagram_shape_is_a_finding(cli, tmp_path):
    folder = copy_library(tmp_path / "copy")
    block = folder / "pvt_afsluiting.bpmn"
    text = block.read_text(encoding="utf-8")
    text = re.sub(r'\s*<bpmndi:BPMNShape id="Task_Nazorg_di".*?</bpmndi:BPMNShape>', "", text, flags=re.S)
    text = re.sub(r'\s*<bpmndi:BPMNEdge id="Flow_Nazorg_Participatieplan_di".*?</bpmndi:BPMNEdge>', "", text, flags=re.S)
    block.write_text(text, encoding="utf-8")

    result = cli("validate", str(folder))

    assert result.code == 1
    lines = [line for line in result.out.splitlines() if "(DI)" in line]
    task_line, flow_line = line_of(block, 'id="Task_Nazorg"'), line_of(block, 'id="Flow_Nazorg_Participatieplan"')
    assert lines == [
        f"{block}:{task_line}: Task_Nazorg: userTask 'Task_Nazorg' has no diagram shape (DI): bpmn.io and the "
        "Camunda Modeler will not show it",
        f"{block}:{flow_line}: Flow_Nazorg_Participatieplan: sequence flow 'Flow_Nazorg_Participatieplan' has no diagram edge (DI): "
        "bpmn.io and the Camunda Modeler will not show it",
    ]


def test_forms_never_come_silently_from_the_working_directory(cli, tmp_path, monkeypatch):
    # A copied processes/ folder without its schemas/, validated from a folder that has one.
    folder = copy_library(tmp_path / "elsewhere" / "deep", with_schemas=False)
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    monkeypatch.chdir(tmp_path)

    result = cli("validate", str(folder))

    assert result.code == 1
    assert "form file 'pvt-start.schema.json' not found" in result.out
    looked = re.findall(r"looked in: ([^)]*)\)", result.out)
    assert looked and all(str(tmp_path / "schemas") not in entry.split(", ") for entry in looked)


def test_forms_resolve_from_the_schemas_folder_beside_the_processes_folder(cli, tmp_path):
    folder = copy_library(tmp_path / "copy")
    assert cli("validate", str(folder)).code == 0
