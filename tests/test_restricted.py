"""Restricted fields (special categories, issue 13 point 2) and the verwerkingsregister (point 6)."""
from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

from privacy_support import rows_containing

from cli import Cli

PRIVACY = Path(__file__).parent / "bpmn" / "privacy"
T0 = "2026-03-02T10:00:00+01:00"
SECRET = "langdurig"


def _completed(cli) -> str:
    data = json.dumps({"naam": "Amina Yusuf", "bsn": "111222333"})
    case_id = cli.ok("start", "privacy", "--gemeente", "GM0363", "--data", data, now=T0)["case_id"]
    task = cli.ok("tasks", "--case", case_id)[0]["id"]
    cli.ok("complete", task, "--data", json.dumps({"resultaat": "niet_voldaan", "medische_omstandigheid": SECRET}),
           now=T0)
    return case_id


def test_a_restricted_field_is_sealed_at_rest_and_shown_to_allowed_roles_only(capsys, sqlite_url, tmp_path):
    cli = Cli(capsys, sqlite_url)
    cli.ok("deploy", str(PRIVACY), now=T0)
    case_id = _completed(cli)
    # no table, no column holds the value (the form's list of choices is in the deployed schema only)
    assert {table for table, _column, _ in rows_containing(sqlite_url, [SECRET])} == {"definition_versions"}
    assert rows_containing(sqlite_url, ["enc:v1:"])  # but sealed, in the events and the workflow
    key = Path(sqlite_url[len("sqlite:///"):] + ".key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600

    cli.ok("users", "add", "kim", "--role", "klantmanager", "--gemeente", "GM0363", "--force")
    cli.ok("users", "add", "cor", "--role", "coordinator", "--gemeente", "GM0363")
    hidden = cli.ok("show", case_id, user="kim", now=T0)
    assert hidden["data"]["medische_omstandigheid"] == "[afgeschermd]"
    assert SECRET not in json.dumps(hidden)
    shown = cli.ok("show", case_id, user="cor", now=T0)
    assert shown["data"]["medische_omstandigheid"] == SECRET
    completed = next(e for e in shown["events"] if e["type"] == "task_completed")
    assert completed["data"]["data"]["medische_omstandigheid"] == SECRET
    reads = cli.ok("access-log", "--type", "restricted_viewed", now=T0)
    assert [(r["actor"], r["message"]) for r in reads] == [("cor", "fields: medische_omstandigheid")]

    out = tmp_path / "export.csv"
    cli.ok("audit", "export", "--format", "csv", "--out", str(out), "--include-data", now=T0)
    text = out.read_text(encoding="utf-8")
    assert "medische_omstandigheid" not in text and "enc:v1:" not in text and "niet_voldaan" in text
    assert cli("audit", "verify", "--all", now=T0).code == 0  # the history records the sealed value


def test_free_text_in_a_restricted_category_is_a_validation_finding(capsys, sqlite_url, tmp_path):
    folder = tmp_path / "vrij"
    shutil.copytree(PRIVACY, folder)
    form = folder / "privacy-besluit.schema.json"
    schema = json.loads(form.read_text())
    schema["properties"]["medische_toelichting"] = {"type": "string", "x-traject-restricted": "medisch"}
    form.write_text(json.dumps(schema, indent=2))
    result = Cli(capsys, sqlite_url)("validate", str(folder))
    assert result.code == 1
    assert "medische_toelichting" in result.out and "free text" in result.out


def test_the_register_lists_personal_data_and_changes_with_a_form(capsys, sqlite_url, tmp_path):
    cli = Cli(capsys, sqlite_url)
    cli.ok("deploy", str(PRIVACY), now=T0)
    (entry,) = cli.ok("register")
    assert entry["legal_basis"].startswith("AVG art. 6") and entry["retention"] == "P7Y"
    assert entry["purpose"].startswith("Uitvoering van de inburgeringsplicht")
    assert entry["processors"] == ["VluchtelingenWerk"] and entry["who_may_see"]["lanes"] == ["klantmanager"]
    categories = {f["field"]: f["category"] for f in entry["personal_data"]}
    assert categories["bsn"] == "identificerend" and categories["medische_omstandigheid"] == "bijzonder: medisch"
    assert categories["toelichting"] == "vrije tekst"

    folder = tmp_path / "nieuw"
    shutil.copytree(PRIVACY, folder)
    form = folder / "privacy-start.schema.json"
    schema = json.loads(form.read_text())
    schema["properties"]["nationaliteit"] = {"type": "string", "enum": ["EU", "overig"], "title": "Nationaliteit"}
    form.write_text(json.dumps(schema, indent=2))
    cli.ok("deploy", str(folder), now=T0)
    (entry,) = cli.ok("register")
    assert entry["version"] == 2 and "nationaliteit" in {f["field"] for f in entry["personal_data"]}
    markdown = cli("register", now=T0).out
    assert "# Verwerkingsregister" in markdown and "| Nationaliteit | `nationaliteit` |" in markdown


def test_the_shipped_no_show_form_records_a_health_reason_as_a_restricted_choice():
    """The verwijtbaarheid form (why someone did not sign) asks whether a health reason is temporary or
    lasting: a choice in the category medisch, never free text (the scenario b5 completes it)."""
    root = Path(__file__).parent.parent
    schema = json.loads((root / "schemas" / "pvt-verwijtbaarheid.schema.json").read_text(encoding="utf-8"))
    field = schema["properties"]["medische_grond"]
    assert field["x-traject-restricted"] == "medisch" and field["enum"] == ["tijdelijk", "langdurig"]
    assert "medische_grond" not in schema["required"]  # only when the reason is medical
    scenario = (root / "processes" / "scenarios" / "b5_termijnoverschrijding.scenario.yaml").read_text(encoding="utf-8")
    assert "medische_grond: tijdelijk" in scenario
