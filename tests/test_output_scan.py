"""Issue 13, point 4: no export, report or log line holds a BSN or a name from the database, and no list
(CLI table or --json) holds a whole BSN. One demo database, every output format scanned for every
stored name and BSN."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from engine.cli import main

NOW = "2026-12-02T09:00:00+01:00"
GEMEENTEN = ("GM0363", "GM0344", "GM0014", "GM1680")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A small demo database and every person in it: (url, names, bsns)."""
    path = tmp_path_factory.mktemp("scan") / "demo.db"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("TRAJECT_DB", raising=False)
        assert main(["--db", url, "--user", "tester", "--now", NOW, "demo", "--people", "8"]) == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT person_name, bsn FROM cases")).all()
    engine.dispose()
    names = sorted({r.person_name for r in rows if r.person_name})
    bsns = sorted({r.bsn for r in rows if r.bsn})
    assert len(names) >= 6 and len(bsns) >= 6
    return url, names, bsns


def run(capsys, url, *args) -> str:
    capsys.readouterr()
    code = main(["--db", url, "--user", "tester", "--now", NOW, *args])
    out = capsys.readouterr()
    assert code in (0, 1), (args, out.err)
    return out.out + out.err


def _leaks(text_: str, needles) -> list[str]:
    return [n for n in needles if n in text_]


LISTS = [("tasks",), ("tasks", "--json"), ("cases",), ("cases", "--json"), ("incidents",), ("incidents", "--json"),
         ("retention",), ("retention", "--json"), ("audit", "verify", "--all", "--json")]


@pytest.mark.parametrize("args", LISTS, ids=" ".join)
def test_lists_never_show_a_whole_bsn(capsys, demo, args):
    url, _names, bsns = demo
    assert _leaks(run(capsys, url, *args), bsns) == []


def test_exports_reports_registers_and_logs_hold_no_name_and_no_bsn(capsys, demo, tmp_path):
    url, names, bsns = demo
    outputs = {}
    for fmt in ("xes", "csv"):
        out = tmp_path / f"log.{fmt}"
        run(capsys, url, "audit", "export", "--format", fmt, "--out", str(out), "--include-data")
        outputs[f"export {fmt}"] = out.read_text(encoding="utf-8")
    for gemeente in GEMEENTEN[:2]:  # the formats are the same code for every gemeente
        for fmt in ("csv", "json", "html"):
            outputs[f"report {gemeente} {fmt}"] = run(capsys, url, "report", "--gemeente", gemeente, "--from",
                                                       "2026-01-01", "--to", "2026-12-31", "--format", fmt)
        xlsx = tmp_path / f"{gemeente}.xlsx"
        run(capsys, url, "report", "--gemeente", gemeente, "--from", "2026-01-01", "--to", "2026-12-31",
            "--format", "xlsx", "--out", str(xlsx))
        outputs[f"report {gemeente} xlsx"] = _xlsx_text(xlsx)
    outputs["register md"] = run(capsys, url, "register")
    outputs["register json"] = run(capsys, url, "register", "--json")
    outputs["access log"] = run(capsys, url, "access-log", "--limit", "1000", "--json")
    outputs["access log table"] = run(capsys, url, "access-log", "--limit", "1000")
    outputs["worker log"] = run(capsys, url, "worker", "--once")
    outputs["anchor"] = run(capsys, url, "audit", "anchor", "--json")
    for where, text_ in outputs.items():
        assert _leaks(text_, bsns) == [], where
        assert _leaks(text_, names) == [], where


def _xlsx_text(path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return json.dumps([[list(map(str, row)) for row in sheet.iter_rows(values_only=True)] for sheet in book])
