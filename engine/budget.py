"""Budget: cost items per case from recorded data, rates per installation (a TOML file) and per variant,
and the total against EUR 2,370 x the number of vergunninghouders.

Rates file (`--rates FILE`); every key optional, `[variant.PROCESS_ID]` overrides per variant:

    budget_per_vergunninghouder = 2370
    [rates]
    tolk_uur = 65.0            # per interpreter hour recorded at a session (tolk_uren)
    workshop_plaats = 45.0     # per session place taken (attendance record not 'afgemeld')
    ceremonie_aandeel = 25.0   # per signing
    uitvoerder_per_deelnemer = 0.0   # executor fee per case started
    [variant.pvt_b_uitbesteed_vwn]
    uitvoerder_per_deelnemer = 450.0
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, func, or_

from . import kpis
from .errors import InvalidInput
from .store.tables import Case, Event

DEFAULT_BUDGET = 2370.0  # EUR per vergunninghouder for maatschappelijke begeleiding (DOMAIN.md)
DEFAULT_RATES = {"tolk_uur": 65.0, "workshop_plaats": 45.0, "ceremonie_aandeel": 25.0,
                 "uitvoerder_per_deelnemer": 0.0}


@dataclass(frozen=True)
class Rates:
    budget_per_vergunninghouder: float
    default: dict[str, float]
    per_variant: dict[str, dict[str, float]]

    def of(self, process_id: str) -> dict[str, float]:
        return {**self.default, **self.per_variant.get(process_id, {})}


@dataclass(frozen=True)
class CostLine:
    process_id: str
    items: dict[str, float]  # cost item -> EUR

    @property
    def total(self) -> float:
        return round(sum(self.items.values()), 2)


def load_rates(path: str | Path | None) -> Rates:
    if not path:
        return Rates(DEFAULT_BUDGET, dict(DEFAULT_RATES), {})
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"--rates: cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"{path}: not a valid rates file: {err}") from None
    unknown = set(raw) - {"budget_per_vergunninghouder", "rates", "variant"}
    if unknown:
        raise InvalidInput(f"{path}: unknown key(s) {', '.join(sorted(unknown))} "
                           "(expected budget_per_vergunninghouder, rates, variant)")
    budget = _amount(path, "budget_per_vergunninghouder", raw.get("budget_per_vergunninghouder", DEFAULT_BUDGET))
    default = {**DEFAULT_RATES, **_rate_table(path, "rates", raw.get("rates", {}))}
    variants = raw.get("variant", {})
    if not isinstance(variants, dict):
        raise InvalidInput(f"{path}: 'variant' must be a table of [variant.PROCESS_ID] tables")
    per_variant = {pid: _rate_table(path, f"variant.{pid}", table) for pid, table in variants.items()}
    return Rates(budget, default, per_variant)


def _rate_table(path: Path, where: str, table) -> dict[str, float]:
    if not isinstance(table, dict):
        raise InvalidInput(f"{path}: [{where}] must be a table")
    unknown = set(table) - set(DEFAULT_RATES)
    if unknown:
        raise InvalidInput(f"{path}: [{where}]: unknown rate(s) {', '.join(sorted(unknown))}; "
                           f"known: {', '.join(DEFAULT_RATES)}")
    return {key: _amount(path, f"{where}.{key}", value) for key, value in table.items()}


def _amount(path: Path, where: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InvalidInput(f"{path}: {where} must be a non-negative number, not {value!r}")
    return float(value)


def costs(session, scope: kpis.Scope, rates: Rates) -> tuple[list[CostLine], int]:
    """Cost per variant in the period, from the recorded sessions, signings and starts, and the number of
    vergunninghouders started (cases whose start form says doelgroep 'asielstatushouder'): one grouped
    pass over the period's events (a query per variant and item took 20 scans; at 2,000 cases 0.5 s;
    the vergunninghouders in a pass of their own added 0.45 s at 100,000 cases)."""
    attendance = kpis._completed_with("aanwezig")
    started = Event.type == "case_started"
    query = (kpis._events(scope).with_only_columns(
        Case.process_id,
        kpis._count_if(attendance, func.coalesce(kpis._field("tolk_uren").as_float(), 0)),
        kpis._count_if(or_(and_(attendance, kpis._field("aanwezig").as_string() != "afgemeld"),
                           and_(kpis._session_outcome("workshop"),  # a place taken in a group workshop
                                kpis._field("sessie_uitkomst").as_string().not_in(("afgemeld", "geannuleerd"))))),
        kpis._count_if(kpis._signing()),
        kpis._count_if(started),
        kpis._count_if(and_(started, kpis._field("doelgroep").as_string() == "asielstatushouder")),
    ).group_by(Case.process_id).order_by(Case.process_id))
    lines, vergunninghouders = [], 0
    for process_id, hours, places, signings, started_count, refugees in session.execute(query):
        rate = rates.of(process_id)
        items = {"tolk": float(hours) * rate["tolk_uur"], "workshop": places * rate["workshop_plaats"],
                 "ceremonie": signings * rate["ceremonie_aandeel"],
                 "uitvoerder": started_count * rate["uitvoerder_per_deelnemer"]}
        lines.append(CostLine(process_id, {k: round(v, 2) for k, v in items.items()}))
        vergunninghouders += int(refugees)
    return lines, vergunninghouders
