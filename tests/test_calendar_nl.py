"""Working days and Dutch wall-clock times for timers (script helpers add_working_days and dutch_time)."""
from __future__ import annotations

from engine.scripting import add_working_days, dutch_time


def test_ten_working_days_skip_weekends_kings_day_and_liberation_day():
    # Friday 24 April 2026: 27 April (King's Day) and 5 May (Liberation Day) do not count.
    assert add_working_days("2026-04-24", 10) == "2026-05-12"


def test_good_friday_is_a_working_day_and_easter_monday_is_not():
    # Thursday 2 April 2026: Good Friday 3 April counts (not in the Algemene termijnenwet), Easter Monday does not.
    assert add_working_days("2026-04-02", 1) == "2026-04-03"
    assert add_working_days("2026-04-03", 1) == "2026-04-07"


def test_christmas_and_new_year_do_not_count():
    assert add_working_days("2026-12-22", 10) == "2027-01-07"


def test_zero_working_days_is_the_day_itself():
    assert add_working_days("2026-06-06", 0) == "2026-06-06"


def test_timers_use_the_dutch_offset_of_that_day():
    assert dutch_time("2026-01-15", "09:00") == "2026-01-15T09:00:00+01:00"
    assert dutch_time("2026-07-15", "10:00") == "2026-07-15T10:00:00+02:00"
    assert dutch_time("2026-03-29") == "2026-03-29T09:00:00+02:00"  # summer time starts that night
