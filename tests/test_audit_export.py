"""`traject audit export`: XES (IEEE 1849-2016) and CSV, with pseudonyms stable within an installation."""
from __future__ import annotations

import csv

import pytest
from audit_support import fill
from lxml import etree

from cli import Cli

NS = {"x": "http://www.xes-standard.org/"}


def attrs(element) -> dict:
    """{key: value} of an element's own XES attributes."""
    return {a.get("key"): a.get("value") for a in element if a.get("key")}


def export_xes(cli, path, *args) -> etree._Element:
    result = cli.ok("audit", "export", "--out", str(path), *args)
    assert result["format"] == "xes"
    return etree.parse(str(path)).getroot()


def test_xes_log_has_a_trace_per_case_and_an_event_per_step(cli, filled, tmp_path):
    log = export_xes(cli, tmp_path / "log.xes")
    assert log.tag == "{http://www.xes-standard.org/}log" and log.get("xes.version") == "1849-2016"
    assert [e.get("prefix") for e in log.findall("x:extension", NS)] == ["concept", "lifecycle", "time", "org"]
    assert log.find("x:classifier", NS).get("keys") == "concept:name"
    traces = {attrs(t)["variant"] + "/" + attrs(t)["gemeente"]: t for t in log.findall("x:trace", NS)}
    assert sorted(traces) == ["aanvraag/GM0344", "aanvraag/GM0363", "incident/GM0363"]
    full = traces["aanvraag/GM0363"]
    assert attrs(full)["definition_version"] == "1" and attrs(full)["concept:name"].startswith("case-")
    events = [attrs(e) for e in full.findall("x:event", NS)]
    assert [e["concept:name"] for e in events] == [
        "case_started", "Intakegesprek", "Workshop bijwonen", "timer_fired", "Beoordelen", "case_completed"]
    assert {e["lifecycle:transition"] for e in events} == {"complete"}
    assert events[1]["time:timestamp"] == "2026-03-02T09:00:00.000+00:00"
    assert (events[1]["org:role"], events[2]["org:role"]) == ("intake", "coach")
    assert events[1]["org:resource"].startswith("user-") and events[1]["org:resource"] != events[2]["org:resource"]
    assert "org:role" not in events[0]


def test_rolled_back_commands_and_informational_events_are_left_out(cli, filled, tmp_path):
    log = export_xes(cli, tmp_path / "log.xes")
    by_variant = {attrs(t)["variant"]: t for t in log.findall("x:trace", NS)}
    incident = [attrs(e) for e in by_variant["incident"].findall("x:event", NS)]
    assert [(e["concept:name"], e["seq"]) for e in incident] == [("case_started", "1"), ("Invoer", "4")]
    partial = by_variant["aanvraag"]  # either aanvraag trace: neither exports claims or releases
    assert all(attrs(e)["event_type"] in ("case_started", "task_completed", "timer_fired", "case_completed")
               for e in partial.findall("x:event", NS))


def test_person_data_is_pseudonymised_and_stable(cli, filled, tmp_path, capsys):
    plain = (tmp_path / "a.xes")
    export_xes(cli, plain)
    text = plain.read_text()
    for raw in (filled.full, filled.partial, "tester", "kees", "Fatima el Amrani", "123456782"):
        assert raw not in text
    assert "data." not in text  # form data only on request
    again = tmp_path / "b.xes"
    export_xes(cli, again)
    assert _names(plain) == _names(again)  # stable within the installation
    with_data = tmp_path / "c.xes"
    export_xes(cli, with_data, "--include-data")
    text = with_data.read_text()
    assert "Fatima el Amrani" not in text and "123456782" not in text and "Noor Bakker" not in text
    assert 'key="data.naam" value="naam-' in text and 'key="data.bsn" value="bsn-' in text
    assert 'key="data.akkoord" value="true"' in text and '<boolean' in text
    other = Cli(capsys, f"sqlite:///{tmp_path / 'other.db'}")
    fill(other)
    elsewhere = tmp_path / "d.xes"
    other.ok("audit", "export", "--out", str(elsewhere))
    assert _names(elsewhere) & _names(plain) == set()  # another installation, another key


def _names(path) -> set[str]:
    log = etree.parse(str(path)).getroot()
    return {v for v in (a.get("value") for a in log.iter() if a.get("key") in ("concept:name", "org:resource"))
            if v.startswith(("case-", "user-"))}


def test_filters(cli, filled, tmp_path):
    log = export_xes(cli, tmp_path / "gm.xes", "--gemeente", "GM0344")
    assert [attrs(t)["gemeente"] for t in log.findall("x:trace", NS)] == ["GM0344"]
    log = export_xes(cli, tmp_path / "since.xes", "--since", "2026-03-05")
    seqs = {attrs(t)["variant"]: [attrs(e)["seq"] for e in t.findall("x:event", NS)]
            for t in log.findall("x:trace", NS)}
    assert seqs == {"aanvraag": ["4", "5", "6"], "incident": ["4"]}  # the partial case has only a claim since
    assert cli("audit", "export", "--out", str(tmp_path / "x"), "--since", "gisteren").code == 2


def test_csv(cli, filled, tmp_path):
    path = tmp_path / "log.csv"
    assert cli.ok("audit", "export", "--format", "csv", "--out", str(path), "--include-data")["events"] == 10
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["case", "gemeente", "variant", "definition_version", "seq", "event_type", "activity",
                             "lifecycle", "timestamp", "resource", "role", "data"]
    intake = next(r for r in rows if r["activity"] == "Intakegesprek" and r["gemeente"] == "GM0344")
    assert intake["role"] == "intake" and '"bsn": "bsn-' in intake["data"] and "123456782" not in intake["data"]
    assert len(rows) == 10


def test_unwritable_output_is_invalid_input(cli, filled, tmp_path):
    result = cli("audit", "export", "--out", str(tmp_path / "missing" / "log.xes"))
    assert result.code == 2 and "cannot write" in result.err
    assert not list(tmp_path.glob("**/*.partial"))


def test_pm4py_reads_the_log_and_discovers_a_model(cli, filled, tmp_path):
    """Only where pm4py is installed (it is not a dependency: heavy, and AGPL)."""
    pm4py = pytest.importorskip("pm4py")
    path = tmp_path / "log.xes"
    export_xes(cli, path)
    log = pm4py.read_xes(str(path))
    assert len(log) == 10 and set(log["case:gemeente"]) == {"GM0363", "GM0344"}
    net, initial, final = pm4py.discover_petri_net_inductive(log)
    assert any(t.label == "Intakegesprek" for t in net.transitions)
    assert pm4py.fitness_token_based_replay(log, net, initial, final)["log_fitness"] == 1.0


def test_pseudonymizer_reaches_nested_person_fields_and_separates_kinds():
    from engine.audit.pseudonym import Pseudonymizer

    pseudonyms = Pseudonymizer(b"k" * 32)
    scrubbed = pseudonyms.scrub({"deelnemers": [{"naam": "Eva", "bsn": "1"}], "naam": "Eva", "uren": 3})
    assert scrubbed["deelnemers"][0]["naam"] == scrubbed["naam"] == pseudonyms("naam", "Eva") != "Eva"
    assert scrubbed["uren"] == 3 and pseudonyms("user", "Eva") != pseudonyms("naam", "Eva")
    assert Pseudonymizer(b"x" * 32)("naam", "Eva") != pseudonyms("naam", "Eva")
