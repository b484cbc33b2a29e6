"""Scenario time: ISO 8601 durations (P30D, P1M, PT2H) and the clock a scenario moves forward."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)

@dataclass(frozen=True)
class Duration:
    text: str
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: int = 0

    def after(self, moment: datetime) -> datetime:
        """`moment` plus this duration; years and months count on the calendar (31 Jan + P1M = 28 Feb)."""
        months = moment.month - 1 + self.months + 12 * self.years
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day) + timedelta(
            weeks=self.weeks, days=self.days, hours=self.hours, minutes=self.minutes, seconds=self.seconds)


def parse_duration(text: str) -> Duration:
    """Parse an ISO 8601 duration such as P30D, P1M or P1DT2H; ValueError if it is not one."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not an ISO 8601 duration (examples: P30D, P2W, P1M, PT4H)")
    return Duration(text.strip(), **{k: int(v) for k, v in match.groupdict().items() if v})


class ScenarioClock:
    """The engine clock during a scenario: it stands still until a step moves it."""

    def __init__(self, at: datetime):
        self.now = at

    def __call__(self) -> datetime:
        return self.now

    def set(self, at: datetime) -> None:
        self.now = at
