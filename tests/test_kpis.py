"""The monitoring figures on a small database whose every value is worked out by hand below.

Period 2026-01-01..2026-03-31 for GM0001, asked at 2026-03-01 09:00Z (process tests/bpmn/monitoring):
  c1 GM0001 asielstatushouder, started 01-05: present (2 tolk hours) 01-10, signed 01-25 (20 days), DUO 01-30
  c2 GM0001 asielstatushouder, started 01-05: no-show (1.5 tolk hours) 01-10, not signed, verwijtbaar 02-04
  c3 GM0001 gezinsmigrant, started 02-01, deadline 03-20: attendance task due 02-04 still open
  c4 GM0002 (another gemeente): present, signed; counts nowhere below
  c5 GM0001 started 2025-12-15 (before the period), deadline 02-15: afgemeld 01-10, signed 01-14 (30 days)
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.errors import NotFound

BPMN = str(Path(__file__).parent / "bpmn" / "monitoring")
NOW = "2026-03-01T09:00:00Z"


def _at(day: str) -> str:
    return f"{day}T09:00:00Z"


def _start(cli, gemeente, day, **data):
    return cli.ok("start", "kpi_proef", "--gemeente", gemeente, "--data", json.dumps(data), now=_at(day))["case_id"]


def _do(cli, case_id, day, **data):
    task = cli.ok("tasks", "--case", case_id)[0]["id"]
    cli.ok("complete", task, "--data", json.dumps(data), now=_at(day))


@pytest.fixture
def monitored(cli):
    cli.ok("deploy", BPMN)
    c1 = _start(cli, "GM0001", "2026-01-05", doelgroep="asielstatushouder", deadline="2027-01-05")
    _do(cli, c1, "2026-01-10", aanwezig="aanwezig", tolk_uren=2)
    _do(cli, c1, "2026-01-25", resultaat="voldaan", datum_ondertekening="2026-01-25")
    _do(cli, c1, "2026-01-30", datum_duo_registratie="2026-01-30")
    c2 = _start(cli, "GM0001", "2026-01-05", doelgroep="asielstatushouder", deadline="2027-01-01")
    _do(cli, c2, "2026-01-10", aanwezig="no_show", tolk_uren=1.5)
    _do(cli, c2, "2026-02-04", resultaat="niet_voldaan", reden_niet_voldaan="weigering", verwijtbaar=True)
    _start(cli, "GM0001", "2026-02-01", doelgroep="gezinsmigrant", deadline="2026-03-20")
    c4 = _start(cli, "GM0002", "2026-01-05", doelgroep="asielstatushouder", deadline="2026-03-10")
    _do(cli, c4, "2026-01-10", aanwezig="aanwezig", tolk_uren=3)
    _do(cli, c4, "2026-01-12", resultaat="voldaan", datum_ondertekening="2026-01-12")
    c5 = _start(cli, "GM0001", "2025-12-15", doelgroep="gezinsmigrant", deadline="2026-02-15")
    _do(cli, c5, "2026-01-10", aanwezig="afgemeld")
    _do(cli, c5, "2026-01-14", resultaat="voldaan", datum_ondertekening="2026-01-14")
    return cli


def _report(cli, *extra):
    return cli.ok("report", "--gemeente", "GM0001", "--from", "2026-01-01", "--to", "2026-03-31",
                  "--format", "json", *extra, now=NOW)


def test_each_figure_matches_the_hand_count(monitored, make_engine):
    from datetime import UTC, datetime

    engine = make_engine(now=NOW)
    report = engine.monitoring_report("GM0001", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    got = {f.key: (f.value, f.breakdown) for f in report.figures}
    assert got["cases_started"] == (3, {})  # c1 c2 c3; c5 started before, c4 elsewhere
    assert got["signed"] == (2, {})  # c1 and c5; c2 not voldaan
    assert got["median_days_to_signing"] == (25.0, {})  # median of 20 and 30
    assert got["no_show_rate"] == (33.3, {"aanwezig": 1, "no_show": 1, "afgemeld": 1})
    assert got["interpreter_hours"] == (3.5, {})  # 2 + 1.5
    assert got["judged_verwijtbaar"] == (1, {})  # c2
    assert got["duo_registered"] == (1, {})  # c1
    assert got["open_cases_per_stage"] == (3, {"monitoring": 2, "workshop": 1})  # c2 c5 at DUO, c3 workshop
    assert got["overdue_tasks_per_role"] == (1, {"trainer": 1})  # c3's task was due 02-04
    assert got["near_deadline"] == (1, {})  # c3 (03-20 within 8 weeks of 03-01)
    assert got["past_deadline"] == (1, {})  # c5 (02-15)


def test_variant_filter_and_period(monitored, make_engine):
    from datetime import UTC, datetime

    engine = make_engine(now=NOW)
    feb = engine.monitoring_report("GM0001", datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    got = {f.key: f.value for f in feb.figures}
    assert (got["cases_started"], got["signed"], got["judged_verwijtbaar"]) == (1, 0, 1)  # c3; c2's judgement
    quarter = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    every = {f.key: f.value for f in engine.monitoring_report("GM0001", *quarter).figures}
    variant = {f.key: f.value for f in engine.monitoring_report("GM0001", *quarter, process_id="kpi_proef").figures}
    assert variant == every and every["cases_started"] > 0  # its one variant: the same figures
    with pytest.raises(NotFound, match="process 'pvt_a_klein_intern' is not deployed"):
        engine.monitoring_report("GM0001", *quarter, process_id="pvt_a_klein_intern")


def test_costs_and_budget(monitored, tmp_path):
    data = _report(monitored)
    # tolk 3.5 h x 65; places not afgemeld (c1, c2) 2 x 45; signings 2 x 25; executor 3 x 0
    assert data["costs"] == [{"process_id": "kpi_proef", "total": 367.5,
                              "items": {"tolk": 227.5, "workshop": 90.0, "ceremonie": 50.0, "uitvoerder": 0.0}}]
    assert data["budget"] == 2 * 2370.0  # vergunninghouders started in the period: c1 and c2
    rates = tmp_path / "rates.toml"
    rates.write_text("budget_per_vergunninghouder = 2500\n[rates]\ntolk_uur = 100\n"
                     "[variant.kpi_proef]\nuitvoerder_per_deelnemer = 100\n", encoding="utf-8")
    data = _report(monitored, "--rates", str(rates))
    assert data["costs"][0]["items"] == {"tolk": 350.0, "workshop": 90.0, "ceremonie": 50.0, "uitvoerder": 300.0}
    assert data["budget"] == 5000.0


def test_small_groups_are_shown_as_under_five(monitored):
    figures = {f["key"]: f for f in _report(monitored)["figures"]}
    assert figures["cases_started"]["value"] == "<5"
    assert figures["open_cases_per_stage"]["breakdown"] == {"monitoring": "<5", "workshop": "<5"}
    assert figures["interpreter_hours"]["value"] == 3.5  # hours are not people


def test_a_user_without_the_ability_is_refused(monitored):
    monitored.ok("users", "add", "kees", "--role", "trainer", "--gemeente", "GM0001")
    monitored.ok("users", "add", "bea", "--role", "beleid", "--gemeente", "GM0001")
    args = ("report", "--gemeente", "GM0001", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv")
    refused = monitored(*args, user="kees", now=NOW)
    assert refused.code == 4 and "not allowed: kees may not view the figures of GM0001" in refused.err
    assert monitored(*args, user="bea", now=NOW).code == 0
    other = monitored("report", "--gemeente", "GM0002", "--from", "2026-01-01", "--to", "2026-03-31",
                      user="bea", now=NOW)
    assert other.code == 4


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-13-01", "--to", "2026-03-31"), "--from: '2026-13-01' is not a date"),
    (("--from", "2026-03-01", "--to", "2026-01-31"), "--to (2026-01-31) is before --from (2026-03-01)"),
    (("--from", "2026-01-01", "--to", "2026-03-31", "--format", "xlsx"), "--format xlsx needs --out"),
    (("--from", "2026-01-01", "--to", "9999-12-31"), "--to: 9999-12-31 is outside the years 1900 to 8999"),
    (("--from", "0001-01-01", "--to", "2026-03-31"), "--from: 0001-01-01 is outside the years"),
    (("--from", "2026-01-01", "--to", "2026-03-31", "--process", "nope"), "process 'nope' is not deployed"),
    (("--gemeente", "XYZ", "--from", "2026-01-01", "--to", "2026-03-31"), "--gemeente: 'XYZ' is not a CBS"),
])
def test_bad_input_is_one_line(monitored, args, message):
    gemeente = () if "--gemeente" in args else ("--gemeente", "GM0001")
    result = monitored("report", *gemeente, *args, now=NOW)
    assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1


def test_pvt_plichtig_and_duo_on_time_from_the_case_data(cli, make_engine):
    """What the scripts and decision tables set (pvt_plichtig; duo_binnen_termijn, as pvt_duo_registratie
    computes it) is case data, not an event field: counted from the case row's facts. Worked out by hand:
      d1 GM0001 started 01-05, plichtig, asielstatushouder; DUO 01-30 on time
      d2 GM0001 started 01-06, plichtig, gezinsmigrant;     DUO 02-20 late
      d3 GM0001 started 01-07, exempted (pvt_plichtig false)            -> not plichtig
      d4 GM0001 started 01-08, the obligation not decided yet            -> not plichtig
      d5 GM0001 started 2025-12-20 (before the period), plichtig; DUO 01-15 on time: DUO counts, plicht not
      d6 GM0002 plichtig, DUO on time: another gemeente, counts nowhere
      d7 GM0001 started 01-09, plichtig, asielstatushouder; DUO 2026-04-02 on time: after the period
    pvt_plichtig 3: asielstatushouder d1 d7 (d7 started in the period; its DUO date is after it),
      gezinsmigrant d2. DUO on time: 2 of 3 registrations in the period (d1 d5 on time, d2 late) = 66.7 %
    """
    from datetime import UTC, datetime

    cli.ok("deploy", BPMN)

    def traject(gemeente, day, duo_day=None, on_time=None, **data):
        case_id = _start(cli, gemeente, day, deadline="2027-01-01", **data)
        if duo_day:
            _do(cli, case_id, day, aanwezig="aanwezig")
            _do(cli, case_id, day, resultaat="voldaan", datum_ondertekening=day)
            _do(cli, case_id, duo_day, datum_duo_registratie=duo_day, duo_binnen_termijn=on_time)

    traject("GM0001", "2026-01-05", "2026-01-30", True, pvt_plichtig=True, doelgroep="asielstatushouder")
    traject("GM0001", "2026-01-06", "2026-02-20", False, pvt_plichtig=True, doelgroep="gezinsmigrant")
    traject("GM0001", "2026-01-07", pvt_plichtig=False, doelgroep="asielstatushouder")
    traject("GM0001", "2026-01-08", doelgroep="asielstatushouder")
    traject("GM0001", "2025-12-20", "2026-01-15", True, pvt_plichtig=True, doelgroep="gezinsmigrant")
    traject("GM0002", "2026-01-05", "2026-01-20", True, pvt_plichtig=True, doelgroep="asielstatushouder")
    traject("GM0001", "2026-01-09", "2026-04-02", True, pvt_plichtig=True, doelgroep="asielstatushouder")
    engine = make_engine(now="2026-04-10T09:00:00Z")
    report = engine.monitoring_report("GM0001", datetime(2025, 12, 31, 23, tzinfo=UTC),
                                      datetime(2026, 3, 31, 22, tzinfo=UTC))  # Dutch days 01-01 .. 03-31
    got = {f.key: (f.value, f.breakdown) for f in report.figures}
    assert got["pvt_plichtig"] == (3, {"asielstatushouder": 2, "gezinsmigrant": 1})
    assert got["duo_on_time"] == (66.7, {"op_tijd": 2, "te_laat": 1})


def test_invited_within_four_weeks_of_the_start(cli, make_engine):
    """Worked out by hand, period 2026-01-01..03-31 for GM0001, asked at 2026-03-01:
      i1 started 01-05, invited 01-20 (15 days)                  -> op tijd
      i2 started 01-05, invited 02-10 (36 days)                  -> te laat
      i3 started 02-20, not invited yet (9 days on 03-01)        -> not counted (nog binnen termijn)
      i4 started 01-10, not invited by 03-01 (50 days)           -> te laat
      i5 GM0002, invited the next day                            -> another gemeente, counts nowhere
      i6 started 2025-12-01 (before the period), invited 01-02   -> not counted
    1 of 3 on time = 33.3 %"""
    from datetime import UTC, datetime

    cli.ok("deploy", BPMN)
    for gemeente, day, invited in (("GM0001", "2026-01-05", "2026-01-20"), ("GM0001", "2026-01-05", "2026-02-10"),
                                   ("GM0001", "2026-02-20", None), ("GM0001", "2026-01-10", None),
                                   ("GM0002", "2026-01-05", "2026-01-06"), ("GM0001", "2025-12-01", "2026-01-02")):
        case_id = _start(cli, gemeente, day, deadline="2027-01-01")
        if invited:
            _do(cli, case_id, invited, datum_uitnodiging=invited)
    engine = make_engine(now=NOW)
    report = engine.monitoring_report("GM0001", datetime(2025, 12, 31, 23, tzinfo=UTC),
                                      datetime(2026, 3, 31, 22, tzinfo=UTC))
    (figure,) = [f for f in report.figures if f.key == "invited_within_4_weeks"]
    assert (figure.value, figure.breakdown) == (33.3, {"op_tijd": 1, "te_laat": 2, "nog_binnen_termijn": 1})


def test_the_dashboard_of_a_coordinator_a_beleid_user_and_a_trainer(monitored, db_url):
    """Engine.dashboard over the fixture above at 2026-03-01: the state figures as in the hand count, and
    the lists behind them: c3's attendance task (due 02-04) overdue; c5 (02-15, passed) then c3 (03-20)."""
    from grants import TEST_POLICY_PATH

    from engine.clock import parse_now
    from engine.errors import NotAllowed
    from engine.service import build_engine
    from engine.settings import Settings

    def make_engine(now, user):  # only the grants added below (the make_engine fixture grants everything)
        return build_engine(Settings(db_url=db_url, user=user, now=parse_now(now), policy_path=TEST_POLICY_PATH))

    monitored.ok("users", "add", "cor", "--role", "coordinator", "--gemeente", "GM0001")
    monitored.ok("users", "add", "bea", "--role", "beleid", "--gemeente", "GM0001")
    monitored.ok("users", "add", "kees", "--role", "trainer", "--gemeente", "GM0001")
    board = make_engine(now=NOW, user="cor").dashboard()
    assert {f.key: f.value for f in board.figures} == {"open_cases_per_stage": 3, "overdue_tasks_per_role": 1,
                                                       "near_deadline": 1, "past_deadline": 1}
    assert [(t.gemeente, t.role, t.due.date().isoformat()) for t in board.overdue] == [("GM0001", "trainer",
                                                                                        "2026-02-04")]
    assert [c.deadline.date().isoformat() for c in board.near_deadline] == ["2026-02-15", "2026-03-20"]
    figures_only = make_engine(now=NOW, user="bea").dashboard("GM0001")
    assert figures_only.figure("past_deadline").value == 1 and not figures_only.lists_shown
    assert figures_only.overdue == [] and figures_only.near_deadline == []
    with pytest.raises(NotAllowed):
        make_engine(now=NOW, user="kees").dashboard()
    with pytest.raises(NotAllowed):
        make_engine(now=NOW, user="cor").dashboard("GM0002")
