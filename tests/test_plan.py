"""The plan van aanpak follows the deployed BPMN and DMN: per variant, and after a changed threshold."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
VARIANTS = ("pvt_a_klein_intern", "pvt_b_uitbesteed_vwn", "pvt_c_regionaal", "pvt_d_wi2021")


@pytest.fixture
def deployed(cli):
    cli.ok("deploy", str(ROOT / "processes"))
    return cli


def _plan(cli, process_id, *extra) -> str:
    result = cli("plan", process_id, *extra)
    assert result.code == 0, result.err
    return result.out


def test_each_variant_has_its_own_plan(deployed):
    plans = {v: _plan(deployed, v) for v in VARIANTS}
    assert len(set(plans.values())) == 4
    for text in plans.values():
        assert "## Stappen in volgorde" in text and "No-show-ladder" in text and "totaal per deelnemer" in text
    # in-house (the trainer records attendance) vs outsourced (the executor does)
    assert "Aanwezigheid geregistreerd door: trainer" in plans["pvt_a_klein_intern"]
    assert "Aanwezigheid geregistreerd door: uitvoerder" in plans["pvt_b_uitbesteed_vwn"]
    # group ceremony with the alderman vs individual signing with the caseworker
    assert "- Ondertekening: groep" in plans["pvt_a_klein_intern"]
    assert "- Ondertekening: individueel" in plans["pvt_d_wi2021"]
    # one dagdeel (A) vs six sessions (B): the expected cost follows, 1 x 45 and 6 x 45 with default rates
    assert "- workshop: EUR 45.00" in plans["pvt_a_klein_intern"]
    assert "- workshop: EUR 270.00" in plans["pvt_b_uitbesteed_vwn"]
    # the designer's documentation text of the variant is the introduction
    assert "ProDemos" in plans["pvt_a_klein_intern"].split("## Keuzes")[0]


def test_a_changed_dmn_threshold_changes_the_plan(deployed, tmp_path):
    before = _plan(deployed, "pvt_a_klein_intern")
    assert "Aantal no-shows >= 3" in before
    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    ladder = tmp_path / "processes" / "pvt_noshow_ladder.dmn"
    text = ladder.read_text(encoding="utf-8")
    assert text.count("<text>&gt;= 3</text>") >= 1
    ladder.write_text(text.replace("<text>&gt;= 3</text>", "<text>&gt;= 4</text>", 1), encoding="utf-8")
    deployed.ok("deploy", str(tmp_path / "processes"))
    after = _plan(deployed, "pvt_a_klein_intern")
    assert "Aantal no-shows >= 4" in after and after != before
    assert "versie 2" in after


def test_html_plan_and_unknown_process(deployed, tmp_path):
    out = tmp_path / "plan.html"
    assert deployed("plan", "pvt_c_regionaal", "--format", "html", "--out", str(out)).code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<h2>Stappen in volgorde</h2>" in page
    missing = deployed("plan", "pvt_bestaat_niet")
    assert missing.code == 2 and "not deployed" in missing.err


def test_pdf_plan_holds_the_same_steps_as_the_markdown(deployed, tmp_path):
    import re
    import zlib

    out = tmp_path / "plan.pdf"
    assert deployed("plan", "pvt_a_klein_intern", "--format", "pdf").code == 2  # a PDF needs --out
    assert deployed("plan", "pvt_a_klein_intern", "--format", "pdf", "--out", str(out)).code == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    content = b"".join(zlib.decompress(s) if s[:1] == b"x" else s for s in streams).decode("latin-1")
    # The shown text: the strings of the text operators, lines joined (a long line wraps at a space).
    text = " ".join(re.findall(r"\((.*?)\) Tj", content)).replace("\\(", "(").replace("\\)", ")")
    markdown = _plan(deployed, "pvt_a_klein_intern")
    steps = [line.split(": ", 1)[1] for line in markdown.splitlines() if line.lstrip().startswith("- taak: ")]
    assert len(steps) > 5
    for step in steps:
        assert step in text, step
    for heading in ("Stappen in volgorde", "Verwachte kosten"):
        assert heading in text


def test_plan_needs_process_list(deployed):
    deployed.ok("users", "add", "kees", "--role", "worker", "--all")
    refused = deployed("plan", "pvt_a_klein_intern", user="kees")
    assert refused.code == 4 and "not allowed: kees" in refused.err
