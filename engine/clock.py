"""The engine clock. All engine time, BPMN timers included, comes from here.

SpiffWorkflow reads the wall clock in exactly one module
(SpiffWorkflow/bpmn/specs/event_definitions/timer.py calls ``datetime.now(timezone.utc)``).
We replace that module's ``datetime`` once with a subclass whose ``now()`` reads a context variable,
so each thread (the TUI runs engine calls in worker threads) sees the clock of the command it runs.
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

Clock = Callable[[], datetime]

_current: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("traject_clock", default=None)
_installed = False


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always answers `at` (the CLI's --now, replays, tests)."""
    if at.tzinfo is None:
        raise ValueError("the engine clock needs a time zone-aware datetime")
    return lambda: at


def parse_now(text: str) -> datetime:
    """Parse an ISO-8601 --now value; a naive value is taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class _EngineDatetime(datetime):
    """datetime whose now() answers the engine clock of the running command."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - same contract as datetime.now
        clock = _current.get()
        value = clock() if clock else datetime.now(UTC)
        return value.astimezone(tz) if tz else value.replace(tzinfo=None)


def _install() -> None:
    global _installed
    if _installed:
        return
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _EngineDatetime
    _installed = True


@contextlib.contextmanager
def running_on(clock: Clock) -> Iterator[None]:
    """Run SpiffWorkflow steps with `clock` as the time source for timers."""
    _install()
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


def current_time() -> datetime:
    """The engine clock inside `running_on`, else the wall clock (for script helpers)."""
    clock = _current.get()
    return clock() if clock else system_clock()


def clock_of(settings) -> Clock:
    """The clock the settings ask for: fixed at --now (TRAJECT_NOW), else the system clock."""
    return fixed_clock(settings.now) if settings.now else system_clock
