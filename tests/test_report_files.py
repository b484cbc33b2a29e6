"""The report files: a self-contained HTML page without personal data, and an xlsx openpyxl reads."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def demo(cli):
    result = cli("demo", "--people", "30")
    assert result.code == 0, result.err
    engine = create_engine(cli.db_url)
    with engine.connect() as conn:
        people = conn.execute(text("SELECT person_name, bsn, gemeente, created_at FROM cases")).all()
    engine.dispose()
    return cli, people


def _busiest(people) -> str:
    counts: dict[str, int] = {}
    for person in people:
        counts[person.gemeente] = counts.get(person.gemeente, 0) + 1
    return max(counts, key=counts.get)


def test_html_report_of_the_demo_is_self_contained_and_names_nobody(demo, tmp_path):
    cli, people = demo
    gemeente = _busiest(people)
    out = tmp_path / "raad.html"
    result = cli("report", "--gemeente", gemeente, "--from", "2000-01-01", "--to", "2100-12-31",
                 "--format", "html", "--out", str(out))
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") >= 2  # open cases per stage, and costs per variant at least
    assert "<script" not in page and not re.search(r'(src|href)="https?://', page)  # opens offline
    assert "Definities" in page and "Mediaan dagen tot ondertekening" in page
    assert "2000-01-01 tot 2101-01-01" in page
    for person in people:
        if person.person_name:
            assert person.person_name not in page
            for part in person.person_name.split():
                if len(part) > 3 and part[0].isupper():
                    assert f">{part}<" not in page
        if person.bsn:
            assert person.bsn not in page


def test_xlsx_opens_with_openpyxl(demo, tmp_path):
    from openpyxl import load_workbook

    cli, people = demo
    out = tmp_path / "raad.xlsx"
    result = cli("report", "--gemeente", _busiest(people), "--from", "2000-01-01", "--to", "2100-12-31",
                 "--format", "xlsx", "--out", str(out))
    assert result.code == 0, result.err
    book = load_workbook(out)
    assert book.sheetnames == ["Cijfers", "Definities"]
    rows = list(book["Cijfers"].iter_rows(values_only=True))
    assert rows[0] == ("section", "key", "title", "value", "unit")
    keys = {row[1] for row in rows[1:]}
    assert {"cases_started", "signed", "no_show_rate", "total_cost", "budget"} <= keys
    definitions = {row[0]: row[2] for row in book["Definities"].iter_rows(min_row=2, values_only=True)}
    assert "datum_ondertekening" in definitions["signed"]


def test_csv_goes_to_stdout(demo):
    cli, people = demo
    result = cli("report", "--gemeente", _busiest(people), "--from", "2000-01-01", "--to", "2100-12-31")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "section,key,title,value,unit"
    assert any(line.startswith("kpi,cases_started,") for line in lines)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _colourful_pixels(png) -> int:
    """Pixels of a clear colour (charts), as against the report's black, grey and white text and tables."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        pixels = rgb.get_flattened_data() if hasattr(rgb, "get_flattened_data") else rgb.getdata()
        return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 60)


def _screenshot(page, png) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1000,3000", f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="needs a headless Chromium (Debian package chromium)")
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_html_report_renders_its_charts_in_a_browser(cli, tmp_path):
    # Enough people that a gemeente's stages hold groups of 5 or more (smaller ones are not charted).
    assert cli("demo", "--people", "90").code == 0
    engine = create_engine(cli.db_url)
    with engine.connect() as conn:
        people = conn.execute(text("SELECT gemeente FROM cases")).all()
    engine.dispose()
    page = tmp_path / "raad.html"
    result = cli("report", "--gemeente", _busiest(people), "--from", "2000-01-01", "--to", "2100-12-31",
                      "--format", "html", "--out", str(page))
    assert result.code == 0, result.err
    without_charts = tmp_path / "zonder.html"
    without_charts.write_text(re.sub(r"<svg.*?</svg>", "", page.read_text(encoding="utf-8"), flags=re.S),
                              encoding="utf-8")
    _screenshot(page, tmp_path / "raad.png")
    _screenshot(without_charts, tmp_path / "zonder.png")
    # The charts are the page's colour: thousands of coloured pixels with them, next to none without.
    assert _colourful_pixels(tmp_path / "raad.png") > 5000
    assert _colourful_pixels(tmp_path / "zonder.png") < 500
