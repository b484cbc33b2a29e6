"""The demo's group sessions: per gemeente a workshop and a ceremony ahead (and a workshop of VluchtelingenWerk
for variant B), part of the waiting cases in them.

So the planning screen (`s` in the app) is not empty on a new demo: the coordinator sees fill levels,
can register attendance, and still finds cases to enrol (about half of those waiting stay unplanned).
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from ..calendar_nl import AMSTERDAM, is_working_day
from ..errors import EngineError

PLACES = {"GM0363": "Amsterdam", "GM0344": "Utrecht", "GM0014": "Groningen", "GM1680": "Aa en Hunze"}
WORKSHOP_CAPACITY = 12  # a group of eight to fifteen (DOMAIN.md)
CEREMONY_CAPACITY = 30
OUTSIDE_EXECUTOR = "vluchtelingenwerk"  # the organisation of the demo's executor user vera (engine/demo/seed.py)


def _at(now: datetime, days: int, clock: time) -> datetime:
    """A working day `days` ahead at `clock`, Amsterdam time (as on the invitation)."""
    day = (now.astimezone(AMSTERDAM) + timedelta(days=days)).date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, clock, tzinfo=AMSTERDAM)


def plan_demo_sessions(engine, rng: random.Random, now: datetime, gemeenten: tuple[str, ...]) -> int:
    """Plan the sessions and enrol every other waiting case that fits; returns the number of sessions."""
    from ..sessions import NewSession

    planned = 0
    for gemeente in gemeenten:
        place = PLACES.get(gemeente, gemeente)  # in the title: the planning screen has no gemeente column
        sessions = [
            NewSession("workshop", f"Kernwaarden {place}", _at(now, rng.randint(7, 20), time(9, 30)), 2,
                       WORKSHOP_CAPACITY, ("Nederlands",), (gemeente,), interpreter_type="telefonisch",
                       interpreter_language="Arabisch", interpreter_booked=True, place="Stadskantoor, zaal 2.14"),
            NewSession("ceremonie", f"Ondertekening {place}", _at(now, rng.randint(28, 50), time(16, 0)), 1,
                       CEREMONY_CAPACITY, ("Nederlands",), (gemeente,), place="Raadzaal",
                       official="wethouder (namens het college)"),
            # Variant B's cases take only VluchtelingenWerk's own sessions (user vera plans and registers them).
            NewSession("workshop", f"VWN {place}", _at(now, rng.randint(7, 20), time(13, 30)),
                       2, WORKSHOP_CAPACITY, ("Nederlands",), (gemeente,), interpreter_type="informeel",
                       interpreter_language="Arabisch", place="VluchtelingenWerk, spreekkamer 1",
                       executor=OUTSIDE_EXECUTOR),
        ]
        for new in sessions:
            view = engine.add_session(new)
            planned += 1
            # The engine's own fitting rule (kind, gemeente, language or interpreter), as the enrol screen uses.
            fitting = [c.case_id for c in engine.session_candidates(session_id=view.id)]
            for case_id in fitting[::2][: new.capacity]:
                try:
                    engine.enrol_in_session(view.id, [case_id])
                except EngineError:
                    continue  # refused after all (e.g. its stage moved on): it stays to be planned
    return planned
