"""The report files: a self-contained HTML page without personal data, and an xlsx openpyxl reads."""
from __future__ import annotations

import re

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
