"""Group sessions: a coordinator plans a workshop or ceremony, enrols cases, and registers attendance once
for the whole group; each case's process moves on by the messages sessie_gepland / sessie_afgerond.
Refusals (full, wrong language, wrong stage) exit 2 and change nothing."""
from __future__ import annotations

import random

from conftest import TESTS

GROEPSWERK = TESTS / "bpmn" / "sessies"
NOW = "2026-03-02T09:00:00+01:00"
AFTER = "2026-03-31T17:00:00+02:00"  # after every session these tests plan: attendance is registered then


def _case(cli, naam: str, **data) -> str:
    payload = {"naam": naam, "voertaal": "Arabisch", **data}
    import json

    return cli.ok("start", "groepswerk", "--gemeente", data.pop("gemeente", "GM0363"),
                  "--data", json.dumps(payload), now=NOW)["case_id"]


def _session(cli, kind="workshop", capacity=12, language=("Arabisch",), gemeenten=("GM0363",), *extra):
    args = ["sessions", "add", "--kind", kind, "--title", f"{kind} groep", "--at", "2026-03-10T09:30:00+01:00",
            "--dagdelen", "1", "--capacity", str(capacity)]
    for lang in language:
        args += ["--language", lang]
    for g in gemeenten:
        args += ["--gemeente", g]
    return cli.ok(*args, *extra, now=NOW)["session_id"]


def _group(make_engine, size: int):
    """An Engine on the groepswerk process with `size` cases waiting for a workshop."""
    engine = make_engine(now=NOW)
    engine.deploy([GROEPSWERK])
    return engine, [engine.start_case("groepswerk", "GM0363", {"naam": f"Deelnemer {i}", "voertaal": "Dari"}).id
                    for i in range(size)]


def test_a_session_is_planned_listed_and_shown_with_its_fill_level(cli):
    cli.ok("deploy", str(GROEPSWERK))
    sid = _session(cli)
    cases = [_case(cli, f"Deelnemer {i}") for i in range(3)]
    cli.ok("sessions", "enrol", sid, *cases, now=NOW)
    listed = cli.ok("sessions", "list", "--gemeente", "GM0363", "--kind", "workshop")
    assert [(s["session_id"], s["fill"], s["languages"]) for s in listed] == [(sid, "3/12", ["Arabisch"])]
    shown = cli.ok("sessions", "show", sid)
    assert sorted(p["case_id"] for p in shown["participants"]) == sorted(cases)
    assert cli.ok("sessions", "show", sid[:8]) == shown  # the short id the table shows
    assert "2026-03-10 09:30" in cli("sessions", "list").out  # shown as held, in Dutch time
    assert {p["status"] for p in shown["participants"]} == {"ingeschreven"}
    for case_id in cases:
        case = cli.ok("show", case_id)
        assert case["data"]["sessie_id"] == sid and case["data"]["sessie_dagdelen"] == 1
        assert case["waiting_for"] == ["message 'sessie_afgerond' at Catch_workshop_afgerond"]


def test_twelve_cases_go_through_one_workshop_and_one_ceremony_with_one_registration_each(make_engine):
    from datetime import datetime

    from engine.clock import fixed_clock
    from engine.sessions import NewSession

    engine, cases = _group(make_engine, 12)
    at = datetime.fromisoformat("2026-03-10T09:30:00+01:00")
    workshop = engine.add_session(NewSession("workshop", "Kernwaarden", at, 1, 12, ("Nederlands",), ("GM0363",)))
    ceremony = engine.add_session(NewSession("ceremonie", "Ondertekening Q1", at, 1, 15, ("Nederlands",),
                                             ("GM0363",), official="wethouder J. de Vries"))
    engine.enrol_in_session(workshop.id, cases)
    assert engine.show_session(workshop.id).fill == "12/12"
    engine.clock = fixed_clock(datetime.fromisoformat(AFTER))  # the workshop took place
    done = engine.register_attendance(workshop.id, present=cases)
    assert sorted(done.delivered) == sorted(cases)
    assert {engine.show_case(c).summary.stage for c in cases} == {"ondertekening"}
    engine.enrol_in_session(ceremony.id, cases)
    engine.register_attendance(ceremony.id, present=cases)
    assert engine.show_session(ceremony.id).status == "gehouden"
    for case_id in cases:
        detail = engine.show_case(case_id)
        assert detail.summary.status == "completed"
        assert detail.data["workshop_dagdelen"] == 1 and detail.data["workshop_sessie"] == "Kernwaarden"
        assert detail.data["sessie_ondertekenaar"] == "wethouder J. de Vries"
        received = [e.data["data"]["sessie_titel"] for e in detail.events if e.type == "message_received"]
        assert received == ["Kernwaarden", "Kernwaarden", "Ondertekening Q1", "Ondertekening Q1"]


def test_hundred_waiting_cases_each_get_exactly_their_own_session_and_outcome(tmp_path):
    """On SQLite only (12 s): the delivery is the same SQL and Spiff code on both databases."""
    from dataclasses import replace
    from datetime import datetime, timedelta

    from grants import settings_for

    from engine.clock import fixed_clock, parse_now
    from engine.service import build_engine
    from engine.sessions import NewSession

    settings = settings_for(f"sqlite:///{tmp_path / 'honderd.db'}")
    engine = build_engine(replace(settings, now=parse_now(NOW)))
    engine.deploy([GROEPSWERK])
    cases = [engine.start_case("groepswerk", "GM0363", {"naam": f"P{i}"}).id for i in range(100)]
    base = datetime.fromisoformat("2026-03-10T09:30:00+01:00")
    sessions = [engine.add_session(NewSession("workshop", f"Groep {n}", base + timedelta(days=n), 1, 10,
                                              ("Nederlands",), ("GM0363",))).id for n in range(10)]
    order = cases[:]
    random.shuffle(order)
    planned = {case_id: sessions[i // 10] for i, case_id in enumerate(order)}
    for sid in sessions:
        engine.enrol_in_session(sid, [c for c, s in planned.items() if s == sid])
    outcome = {c: random.choice(["aanwezig", "no_show", "afgemeld"]) for c in cases}
    engine.clock = fixed_clock(parse_now(AFTER))  # all ten sessions took place
    for sid in sessions:
        mine = [c for c, s in planned.items() if s == sid]
        engine.register_attendance(sid, present=[c for c in mine if outcome[c] == "aanwezig"],
                                   absent=[c for c in mine if outcome[c] == "no_show"],
                                   excused=[c for c in mine if outcome[c] == "afgemeld"])
    for case_id in cases:
        detail = engine.show_case(case_id)
        messages = [e.data for e in detail.events if e.type == "message_received"]
        assert [m["message"] for m in messages] == ["sessie_gepland", "sessie_afgerond"]
        assert {m["data"]["sessie_id"] for m in messages} == {planned[case_id]}
        assert messages[1]["data"]["sessie_uitkomst"] == outcome[case_id]
        expected = "ondertekening" if outcome[case_id] == "aanwezig" else "workshop"
        assert detail.summary.stage == expected, case_id


def test_a_full_session_refuses_and_nothing_changes(cli):
    cli.ok("deploy", str(GROEPSWERK))
    sid = _session(cli, capacity=2)
    cases = [_case(cli, f"D{i}") for i in range(3)]
    result = cli("sessions", "enrol", sid, *cases, now=NOW)
    assert result.code == 2 and "is full: 0/2 enrolled" in result.err
    assert cli.ok("sessions", "show", sid)["participants"] == []
    assert {cli.ok("show", c)["waiting_for"][0] for c in cases} == {
        "message 'sessie_gepland' at Catch_workshop_gepland"}
    cli.ok("sessions", "enrol", sid, *cases[:2], now=NOW)
    result = cli("sessions", "enrol", sid, cases[2], now=NOW)
    assert result.code == 2 and "is full: 2/2" in result.err


def test_a_person_needing_an_interpreter_gets_only_a_session_in_their_language(cli):
    cli.ok("deploy", str(GROEPSWERK))
    arabic = _session(cli, "workshop", 12, ("Arabisch",))
    dutch = _session(cli, "workshop", 12, ("Nederlands",))
    tolk = _session(cli, "workshop", 12, ("Nederlands",), ("GM0363",), "--interpreter", "telefonisch",
                    "--interpreter-language", "Tigrinya")
    tigrinya = _case(cli, "Tesfay", voertaal="Tigrinya", tolk_advies="professionele_tolk")
    for sid in (arabic, dutch):
        result = cli("sessions", "enrol", sid, tigrinya, now=NOW)
        assert result.code == 2 and "needs an interpreter in Tigrinya" in result.err
    fits = cli.ok("sessions", "candidates", "--session", dutch)
    assert tigrinya not in [c["case_id"] for c in fits]
    assert tigrinya in [c["case_id"] for c in cli.ok("sessions", "candidates", "--session", tolk)]
    cli.ok("sessions", "enrol", tolk, tigrinya, now=NOW)
    # without an interpreter need anyone may join a Dutch session
    cli.ok("sessions", "enrol", dutch, _case(cli, "Sara", voertaal="Tigrinya", tolk_advies="geen_tolk"), now=NOW)


def test_a_case_is_enrolled_only_when_its_stage_waits_for_that_kind(cli):
    cli.ok("deploy", str(GROEPSWERK))
    ceremony = _session(cli, "ceremonie")
    case_id = _case(cli, "Noor")
    result = cli("sessions", "enrol", ceremony, case_id, now=NOW)
    assert result.code == 2 and "waits for a workshop, not a ceremonie" in result.err
    workshop = _session(cli)
    cli.ok("sessions", "enrol", workshop, case_id, now=NOW)
    again = _session(cli)
    result = cli("sessions", "enrol", again, case_id, now=NOW)
    assert result.code == 2 and "not waiting for a session" in result.err
    other = _session(cli, gemeenten=("GM0014",))
    result = cli("sessions", "enrol", other, _case(cli, "Lina"), now=NOW)
    assert result.code == 2 and "not the case's gemeente GM0363" in result.err
    assert cli.ok("sessions", "show", other)["participants"] == []


def test_a_cancelled_session_returns_its_participants_to_be_planned(cli):
    cli.ok("deploy", str(GROEPSWERK))
    sid = _session(cli)
    cases = [_case(cli, f"C{i}") for i in range(2)]
    cli.ok("sessions", "enrol", sid, *cases, now=NOW)
    result = cli.ok("sessions", "cancel", sid, "--reason", "trainer ziek", now=NOW)
    assert sorted(result["delivered"]) == sorted(cases)
    shown = cli.ok("sessions", "show", sid)
    assert shown["status"] == "geannuleerd" and shown["cancel_reason"] == "trainer ziek"
    assert {p["status"] for p in shown["participants"]} == {"geannuleerd"}
    for case_id in cases:
        assert cli.ok("show", case_id)["waiting_for"] == ["message 'sessie_gepland' at Catch_workshop_gepland"]
    assert {c["case_id"] for c in cli.ok("sessions", "candidates", "--kind", "workshop")} >= set(cases)
    result = cli("sessions", "enrol", sid, cases[0], now=NOW)
    assert result.code == 2 and "is geannuleerd" in result.err


def test_a_cancelled_or_erased_case_gives_up_its_seat_in_a_planned_session(cli):
    cli.ok("deploy", str(GROEPSWERK))
    sid = _session(cli, capacity=3)
    stays, cancelled, erased = (_case(cli, naam) for naam in ("Blijft", "Stopt", "Gewist"))
    cli.ok("sessions", "enrol", sid, stays, cancelled, erased, now=NOW)
    cli.ok("cancel", cancelled, "--reason", "verhuisd naar een andere gemeente", now=NOW)
    cli.ok("purge", erased, "--reason", "verzoek 2026-12 van betrokkene", now=NOW)
    shown = cli.ok("sessions", "show", sid)
    assert shown["fill"] == "1/3"
    assert {p["case_id"]: p["status"] for p in shown["participants"]} == {
        stays: "ingeschreven", cancelled: "geannuleerd", erased: "geannuleerd"}
    result = cli("sessions", "attendance", sid, "--present", erased, now=AFTER)
    assert result.code == 2
    assert cli("audit", "verify", "--all", now=AFTER).code == 0


def test_moving_a_person_to_another_session_is_one_action(cli):
    cli.ok("deploy", str(GROEPSWERK))
    first, second = _session(cli), _session(cli, capacity=1)
    case_id, other = _case(cli, "Mo"), _case(cli, "Ay")
    cli.ok("sessions", "enrol", first, case_id, other, now=NOW)
    cli.ok("sessions", "move", case_id, "--from", first, "--to", second, now=NOW)
    assert cli.ok("sessions", "show", first)["fill"] == "1/12"
    assert [p["case_id"] for p in cli.ok("sessions", "show", second)["participants"]] == [case_id]
    assert cli.ok("show", case_id)["data"]["sessie_id"] == second
    result = cli("sessions", "move", other, "--from", first, "--to", second, now=NOW)
    assert result.code == 2 and "is full" in result.err
    assert cli.ok("show", other)["data"]["sessie_id"] == first  # nothing changed
    assert cli.ok("sessions", "show", first)["fill"] == "1/12"


def test_a_no_show_in_a_group_follows_the_ladder_while_the_others_move_on(cli):
    cli.ok("deploy", str(GROEPSWERK))
    sid = _session(cli)
    here, away, sick = (_case(cli, n) for n in ("A", "B", "C"))
    cli.ok("sessions", "enrol", sid, here, away, sick, now=NOW)
    cli.ok("sessions", "attendance", sid, "--present", here, "--absent", away, "--excused", sick, now=AFTER)
    assert cli.ok("show", here)["stage"] == "ondertekening"
    assert [t["task"] for t in cli.ok("show", away)["open_tasks"]] == ["Task_opnieuw"]
    assert cli.ok("show", away)["data"]["sessie_uitkomst"] == "no_show"
    assert cli.ok("show", sick)["data"]["sessie_uitkomst"] == "afgemeld"
    result = cli("sessions", "attendance", sid, "--present", away, now=AFTER)
    assert result.code == 2 and "already registered (no_show)" in result.err


def test_bad_session_input_exits_2_with_the_field_named(cli):
    result = cli("sessions", "add", "--kind", "workshop", "--title", "X", "--at", "morgen", "--capacity", "5",
                 "--language", "nl", "--gemeente", "GM0363")
    assert result.code == 2 and "--at" in result.err
    result = cli("sessions", "add", "--kind", "workshop", "--title", "X", "--at", "2026-03-10T09:00",
                 "--capacity", "5", "--language", "nl", "--gemeente", "GM0363", "--interpreter", "gebaren")
    assert result.code == 2 and "--interpreter" in result.err
    assert cli.ok("sessions", "list") == []
    assert cli("sessions", "show", "nope").code == 2


def test_an_outside_executor_plans_and_registers_only_its_own_sessions(cli):
    cli.ok("deploy", str(GROEPSWERK))
    cli.ok("users", "add", "vera", "--role", "uitvoerder:vwn", "--gemeente", "GM0363")
    municipal = _session(cli)
    case_id = _case(cli, "Rahel")
    cli.ok("sessions", "enrol", municipal, case_id, now=NOW)
    refused = cli("sessions", "attendance", municipal, "--present", case_id, user="vera", now=AFTER)
    assert refused.code == 4 and "may not register attendance of" in refused.err
    assert cli("sessions", "show", municipal, user="vera").code == 4
    own = cli.ok("sessions", "add", "--kind", "workshop", "--title", "VWN groep", "--at", "2026-03-11T09:30",
                 "--capacity", "8", "--language", "Arabisch", "--gemeente", "GM0363", "--executor", "vwn",
                 user="vera")["session_id"]
    assert [s["session_id"] for s in cli.ok("sessions", "list", user="vera")] == [own]
    other = cli("sessions", "add", "--kind", "workshop", "--title", "X", "--at", "2026-03-11T09:30",
                "--capacity", "8", "--language", "nl", "--gemeente", "GM0363", user="vera")
    assert other.code == 4 and "its own sessions" in other.err
    second = _case(cli, "Dawit", bsn="123456782")
    cli.ok("sessions", "enrol", own, second, user="vera", now=NOW)
    assert [p["bsn"] for p in cli.ok("sessions", "show", own, user="vera")["participants"]] == [None]  # as in her lists
    assert [p["bsn"] for p in cli.ok("sessions", "show", own)["participants"]] == ["******782"]
    cli.ok("sessions", "attendance", own, "--present", second, user="vera", now=AFTER)
    assert cli.ok("show", second)["stage"] == "ondertekening"


def test_validate_reports_a_message_nobody_sends_and_a_wrong_session_kind(cli, tmp_path):
    assert cli("validate", str(GROEPSWERK)).code == 0
    findings = cli.ok("validate", str(TESTS / "bpmn" / "berichten"))
    assert [(f["element_id"], f["severity"]) for f in findings if "nothing in these files sends" in f["message"]] \
        == [("Catch_besluit", "note")]
    bad = tmp_path / "soort.bpmn"
    bad.write_text((GROEPSWERK / "groepswerk.bpmn").read_text().replace('value="ceremonie"', 'value="feest"'))
    result = cli("validate", str(bad))
    assert result.code == 1 and "Catch_ceremonie_gepland: 'Catch_ceremonie_gepland': sessie_soort 'feest'" in result.out


def test_validate_knows_the_names_each_session_message_delivers(make_engine):
    from datetime import datetime

    from engine import sessions
    from engine.store.tables import GroupSession
    from engine.validation.messages import SESSION_FIELDS

    row = GroupSession(id="s", kind="workshop", title="T", starts_at=datetime.fromisoformat("2026-03-10T09:00+01:00"),
                       dagdelen=1, languages=["nl"], capacity=1, executor="gemeente", gemeenten=",G,", official=None)
    assert set(sessions.planned_payload(row)) == set(SESSION_FIELDS["sessie_gepland"])
    engine = make_engine(now=NOW)
    with engine.db.transaction() as db:
        assert set(sessions.done_payload(db, row, "case", "aanwezig")) == set(SESSION_FIELDS["sessie_afgerond"])


def test_a_case_run_by_an_outside_executor_takes_only_that_executors_sessions(cli):
    """Variant B: `sessies_uitvoerder` in the case data; the municipality's session is refused, the
    executor sees only its own cases waiting to be planned."""
    cli.ok("deploy", str(GROEPSWERK))
    cli.ok("users", "add", "vera", "--role", "uitvoerder:vwn", "--gemeente", "GM0363")
    outsourced = _case(cli, "Rahel", sessies_uitvoerder="vwn")
    in_house = _case(cli, "Dawit")
    municipal = _session(cli)
    refused = cli("sessions", "enrol", municipal, outsourced, now=NOW)
    assert refused.code == 2 and "sessions are run by vwn" in refused.err and "run by gemeente" in refused.err
    assert cli.ok("sessions", "show", municipal)["participants"] == []
    own = cli.ok("sessions", "add", "--kind", "workshop", "--title", "VWN groep", "--at", "2026-03-11T09:30",
                 "--capacity", "8", "--language", "Arabisch", "--gemeente", "GM0363", "--executor", "vwn",
                 user="vera")["session_id"]
    assert [c["case_id"] for c in cli.ok("sessions", "candidates", user="vera")] == [outsourced]
    assert [c["case_id"] for c in cli.ok("sessions", "candidates", "--session", municipal)] == [in_house]
    cli.ok("sessions", "enrol", own, outsourced, user="vera", now=NOW)
    assert cli.ok("show", outsourced)["data"]["sessie_uitvoerder"] == "vwn"


def test_the_interpreter_need_comes_from_the_intake_not_from_an_earlier_sessions_interpreter():
    """A session copies its interpreter into `tolk_type`; that arrangement is not a need of the person."""
    from engine.sessions import interpreter_need

    attended = {"voertaal": "Dari", "tolk_advies": "trainer_spreekt_voertaal", "tolk_type": "informeel"}
    assert interpreter_need(attended) == ("Dari", False)
    assert interpreter_need({"voertaal": "Dari", "tolk_advies": "professionele_tolk"}) == ("Dari", True)


def test_the_report_counts_group_signings_session_no_shows_and_their_costs(make_engine):
    from datetime import datetime

    from engine.clock import fixed_clock
    from engine.sessions import NewSession

    engine, cases = _group(make_engine, 3)
    at = datetime.fromisoformat("2026-03-10T09:30:00+01:00")
    workshop = engine.add_session(NewSession("workshop", "Kernwaarden", at, 1, 12, ("Nederlands",), ("GM0363",)))
    ceremony = engine.add_session(NewSession("ceremonie", "Ondertekening", at, 1, 15, ("Nederlands",), ("GM0363",)))
    engine.enrol_in_session(workshop.id, cases)
    engine.clock = fixed_clock(datetime.fromisoformat(AFTER))
    engine.register_attendance(workshop.id, present=cases[:2], absent=cases[2:])
    engine.enrol_in_session(ceremony.id, cases[:2])
    engine.register_attendance(ceremony.id, present=cases[:2])
    period = (datetime.fromisoformat("2026-03-01T00:00:00+01:00"), datetime.fromisoformat("2026-04-01T00:00:00+02:00"))
    report = engine.monitoring_report("GM0363", *period)
    figures = {f.key: (f.value, f.breakdown) for f in report.figures}
    assert figures["signed"][0] == 2
    assert figures["no_show_rate"] == (20.0, {"aanwezig": 4, "no_show": 1})  # 2 + 2 present, 1 absent
    (line,) = report.costs
    assert line.items["ceremonie"] == 2 * 25.0 and line.items["workshop"] == 3 * 45.0  # a no-show took a place
