"""BPMN that nobody here wrote (MIWG, Camunda, Spiff examples): what validate accepts runs, and what
cannot run is a finding at its element (issue 17, points 1 and 4)."""
from __future__ import annotations

from pathlib import Path

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
LANE = ('<bpmn:laneSet id="LS"><bpmn:lane id="Lane_km" name="klantmanager">{refs}</bpmn:lane></bpmn:laneSet>')


def write(folder: Path, name: str, body: str, *, pid: str = "p", executable: str = "true", roots: str = "",
          lane: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lanes = LANE.format(refs="".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in lane)) if lane else ""
    path = folder / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="D_{pid}" '
                    f'targetNamespace="http://traject.example/t">\n{roots}\n'
                    f'<bpmn:process id="{pid}" name="Proces {pid}" isExecutable="{executable}">\n{lanes}\n'
                    f'{body}\n</bpmn:process>\n</bpmn:definitions>\n')
    return path


SIMPLE = ('<bpmn:startEvent id="S" name="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>\n'
          '<bpmn:endEvent id="E" name="Eind"><bpmn:incoming>F1</bpmn:incoming></bpmn:endEvent>\n'
          '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="E" />')


def through(node: str) -> str:
    """start -> node (id N) -> end."""
    return ('<bpmn:startEvent id="S" name="Start" />\n' + node + '\n<bpmn:endEvent id="E" name="Eind" />\n'
            '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="N" />\n'
            '<bpmn:sequenceFlow id="F2" sourceRef="N" targetRef="E" />')


def line_of(path: Path, marker: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if marker in line)


def test_a_file_with_only_non_executable_processes_is_a_finding_and_deploys_nothing(cli, tmp_path):
    path = write(tmp_path / "m", "miwg.bpmn", SIMPLE, pid="miwg_a", executable="false")
    found = cli("validate", str(path))
    assert found.code == 1
    assert f"{path}:{line_of(path, 'isExecutable')}: miwg_a: process 'miwg_a' is not executable" in found.out
    assert 'set isExecutable="true"' in found.out
    deployed = cli("deploy", str(path))
    assert deployed.code == 1 and "nothing deployed" in deployed.err
    assert cli.ok("processes") == []


def test_a_non_executable_pool_beside_an_executable_process_is_a_note(cli, tmp_path):
    write(tmp_path / "m", "a.bpmn", SIMPLE, pid="draait")
    write(tmp_path / "m", "b.bpmn", SIMPLE, pid="burger", executable="false")
    checked = cli("validate", str(tmp_path / "m"))
    assert checked.code == 0 and "note: process 'burger' is not executable" in checked.out
    deployed = cli("deploy", str(tmp_path / "m"), "--json")
    assert deployed.code == 0 and [r["process_id"] for r in deployed.json] == ["draait"]
    assert "note: process 'burger' is not executable" in deployed.err


def test_unsupported_camunda_and_script_constructs_are_findings_at_their_element(cli, tmp_path):
    cases = {
        "service.bpmn": (through('<bpmn:serviceTask id="N" name="Roep aan" />'), "service task 'N' has no topic"),
        "formfield.bpmn": (through('<bpmn:userTask id="N" name="Vraag"><bpmn:extensionElements><camunda:formData>'
                                   '<camunda:formField id="naam" type="string" /></camunda:formData>'
                                   '</bpmn:extensionElements></bpmn:userTask>'), "camunda:formField"),
        "groovy.bpmn": (through('<bpmn:scriptTask id="N" name="Reken" scriptFormat="groovy">'
                                '<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'), "scriptFormat 'groovy'"),
        "builtin.bpmn": (through('<bpmn:scriptTask id="N" name="Reken">'
                                 '<bpmn:script>x = 1\ny = locals()</bpmn:script></bpmn:scriptTask>'),
                         "'locals' is not available in scripts"),
        "untyped.bpmn": (through('<bpmn:task id="N" name="Iets doen" />'), "task 'N' is not in any lane"),
    }
    for name, (body, message) in cases.items():
        path = write(tmp_path / name.removesuffix(".bpmn"), name, body, lane=("N",) if "formfield" in name else ())
        found = cli("validate", str(path))
        assert found.code == 1, (name, found.out)
        hits = [line for line in found.out.splitlines() if message in line]
        assert hits and hits[0].startswith(f"{path}:"), (name, found.out)
        assert ": N: " in hits[0] or ": naam: " in hits[0] or "formData" in hits[0], (name, hits)
    builtin = cli("validate", str(tmp_path / "builtin" / "builtin.bpmn")).out
    assert f":{line_of(tmp_path / 'builtin' / 'builtin.bpmn', 'locals()')}: N:" in builtin


def test_a_data_store_is_one_located_line_even_with_a_newline_in_its_name(cli, tmp_path):
    roots = '<bpmn:dataStore id="DS_1" name="Basis\nregistratie" />'
    path = write(tmp_path / "ds", "ds.bpmn", SIMPLE, roots=roots)
    found = cli("validate", str(path))
    assert found.code == 1
    lines = found.out.strip().splitlines()
    line = line_of(path, 'registratie" />')  # lxml places a multi-line start tag on its last line
    assert lines == [f"{path}:{line}: DS_1: data store 'Basis registratie': SpiffWorkflow runs "
                     "no data store Traject provides; keep the data in the case (task data) or fetch it with "
                     "an external task"]


def test_a_call_of_a_global_task_is_reported_as_such(cli, tmp_path):
    roots = '<bpmn:globalUserTask id="GT_1" name="Gedeelde taak" />'
    path = write(tmp_path / "gt", "gt.bpmn", through('<bpmn:callActivity id="N" name="Roep" calledElement="GT_1" />'),
                 roots=roots)
    found = cli("validate", str(path))
    assert found.code == 1 and "calls globalUserTask 'GT_1'" in found.out
    assert "not in the files given" not in found.out


def test_a_message_nobody_uses_is_a_note(cli, tmp_path):
    path = write(tmp_path / "msg", "msg.bpmn", SIMPLE, roots='<bpmn:message id="Msg_x" name="vergeten" />')
    found = cli("validate", str(path))
    assert found.code == 0
    assert f"{path}:{line_of(path, 'Msg_x')}: Msg_x: note: message 'vergeten' is neither caught nor thrown" in found.out


def test_an_implicit_end_is_refused_with_the_reason(cli, tmp_path):
    # SpiffWorkflow 3.2 runs it but completes the case with empty workflow data (never runs its End
    # task); until that is handled validate refuses it and says why (README).
    body = ('<bpmn:startEvent id="S" name="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>\n'
            '<bpmn:scriptTask id="N" name="Laatste stap"><bpmn:incoming>F1</bpmn:incoming>'
            '<bpmn:script>klaar = True</bpmn:script></bpmn:scriptTask>\n'
            '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="N" />')
    path = write(tmp_path / "ie", "ie.bpmn", body, pid="impliciet")
    found = cli("validate", str(path))
    assert found.code == 1
    line = line_of(path, 'id="N"')
    assert f"{path}:{line}: N: scriptTask 'N' has no outgoing sequence flow" in found.out
    assert "without its data" in found.out


def test_an_untyped_task_in_a_lane_is_a_work_item_of_that_role(cli, tmp_path):
    path = write(tmp_path / "ut", "ut.bpmn", through('<bpmn:task id="N" name="Dossier ordenen" />'), pid="ongetypeerd",
                 lane=("S", "N", "E"))
    assert cli("validate", str(path)).code == 0
    cli.ok("deploy", str(path))
    case_id = cli.ok("start", "ongetypeerd", "--gemeente", "GM0363")["case_id"]
    assert [(t["task"], t["role"]) for t in cli.ok("tasks", "--case", case_id)] == [("N", "klantmanager")]


def test_forms_in_a_forms_folder_beside_the_bpmn_are_found(cli, tmp_path):
    folder = tmp_path / "spiff_example"
    (folder / "forms").mkdir(parents=True)
    (folder / "forms" / "vraag.schema.json").write_text(
        '{"type": "object", "properties": {"naam": {"type": "string"}}, "required": ["naam"]}')
    task = ('<bpmn:userTask id="N" name="Vraag"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="formJsonSchemaFilename" value="vraag.schema.json" />'
            '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')
    path = write(folder, "vraag.bpmn", through(task), pid="vraag", lane=("N",))
    assert cli("validate", str(path)).code == 0
    cli.ok("deploy", str(path))
    case_id = cli.ok("start", "vraag", "--gemeente", "GM0363")["case_id"]
    task_id = cli.ok("tasks", "--case", case_id)[0]["id"]
    assert cli.ok("form", task_id)["schema"]["required"] == ["naam"]
    assert cli("complete", task_id, "--data", "{}").code == 2


def test_a_correlation_on_missing_data_is_an_incident_not_a_traceback(cli, tmp_path):
    roots = ('<bpmn:message id="Msg_b" name="besluit" /><bpmn:correlationProperty id="dossier" name="Dossier">'
             '<bpmn:correlationPropertyRetrievalExpression messageRef="Msg_b"><bpmn:formalExpression>dossier'
             '</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>')
    body = ('<bpmn:startEvent id="S" name="Start" />\n<bpmn:userTask id="T" name="Intake" />\n'
            '<bpmn:intermediateCatchEvent id="N" name="Besluit"><bpmn:messageEventDefinition id="MED" '
            'messageRef="Msg_b"><bpmn:extensionElements><spiffworkflow:processVariableCorrelation><spiffworkflow:propertyId>dossier'
            '</spiffworkflow:propertyId><spiffworkflow:expression>dossier_nummer</spiffworkflow:expression>'
            '</spiffworkflow:processVariableCorrelation></bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>\n'
            '<bpmn:endEvent id="E" name="Eind" />\n'
            '<bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="T" />\n'
            '<bpmn:sequenceFlow id="F1" sourceRef="T" targetRef="N" />\n'
            '<bpmn:sequenceFlow id="F2" sourceRef="N" targetRef="E" />')
    path = write(tmp_path / "corr", "corr.bpmn", body, pid="correlatie", roots=roots, lane=("T",))
    cli.ok("deploy", str(path))
    case_id = cli.ok("start", "correlatie", "--gemeente", "GM0363")["case_id"]
    task_id = cli.ok("tasks", "--case", case_id)[0]["id"]
    result = cli("complete", task_id, "--json")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.json["status"] == "error" and "dossier_nummer" in result.json["incident"]["message"]
    assert cli.ok("show", case_id)["incident"]["message"] == result.json["incident"]["message"]
