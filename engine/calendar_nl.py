"""Dutch calendar helpers for scripts: working days and wall-clock times in Europe/Amsterdam.

Legal terms in working days (DUO registration "binnen 10 werkdagen") follow the Algemene termijnenwet:
Saturdays, Sundays and the holidays of its article 3 do not count. Those are the `holidays` package's
Dutch public holidays plus Liberation Day every year (the package lists 5 May as optional, and as public
only every fifth year), without Good Friday (not in article 3). The package is imported on first use:
it costs about 30 ms, which a plain CLI command should not pay.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@functools.lru_cache(maxsize=64)
def holidays_in(year: int) -> frozenset[date]:
    """The days of `year` that the Algemene termijnenwet (art. 3) does not count as working days."""
    import holidays
    from dateutil.easter import easter

    days = set(holidays.NL(years=year, categories=("public", "optional")))
    days.discard(easter(year) - timedelta(days=2))  # Good Friday
    days.add(date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays_in(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (n >= 0; 0 gives `start` itself)."""
    if n < 0:
        raise ValueError("add_working_days() counts forward only")
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def dutch_time(day: date, clock: str = "09:00") -> str:
    """`day` at `clock` (HH:MM) Dutch time, as ISO text with the offset of that day (+01:00 or +02:00)."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), AMSTERDAM).isoformat()
