"""`traject notitie`: a short note in the case's hash-chained history; corrected only by a new note;
left out of exports."""
from __future__ import annotations

from search_support import LATER, fill_states


def test_a_note_is_an_event_in_the_chain_and_verifies(cli):
    ids = fill_states(cli)
    case_id = ids["done"]
    cli.known("anna")
    first = cli.ok("notitie", case_id, "Belde om 10:00, tolk Arabisch gewenst", now=LATER, user="anna")
    fix = cli.ok("notitie", case_id, "Tolk Tigrinya, niet Arabisch", "--corrects", str(first["seq"]),
                 now=LATER, user="anna")
    events = cli.ok("show", case_id)["events"]
    notes = [e for e in events if e["type"] == "note_added"]
    assert [(n["seq"], n["actor"], n["data"]["text"]) for n in notes] == [
        (first["seq"], "anna", "Belde om 10:00, tolk Arabisch gewenst"),
        (fix["seq"], "anna", "Tolk Tigrinya, niet Arabisch")]
    assert notes[1]["data"]["corrects"] == first["seq"] and notes[0]["at"].startswith("2026-03-04")
    result = cli("audit", "verify", case_id)
    assert result.code == 0, result.out + result.err


def test_only_a_note_can_be_corrected_and_an_empty_note_is_refused(cli):
    ids = fill_states(cli)
    before = cli.ok("show", ids["open"])["events"]
    bad = cli("notitie", ids["open"], "x", "--corrects", "1")  # event 1 is the case start
    assert bad.code == 2 and "not a note" in bad.err and "Traceback" not in bad.err
    empty = cli("notitie", ids["open"], "   ")
    assert empty.code == 2 and "needs a text" in empty.err
    assert cli("notitie", "no-such-case", "x").code == 2
    assert cli.ok("show", ids["open"])["events"] == before  # nothing changed


def test_notes_stay_out_of_the_export(cli, tmp_path):
    ids = fill_states(cli)
    cli.ok("notitie", ids["done"], "Persoonlijke notitie Zxq", now=LATER)
    for fmt in ("xes", "csv"):
        out = tmp_path / f"log.{fmt}"
        cli("audit", "export", "--format", fmt, "--out", str(out), "--include-data")
        assert out.exists() and "Zxq" not in out.read_text()
