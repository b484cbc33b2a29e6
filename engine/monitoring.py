"""Engine methods for monitoring: the KPI figures and the budget of one gemeente over a period.

A mixin of Engine (engine/service.py). Everything is computed in SQL (engine/kpis.py, engine/budget.py) and
filtered by the user's scope; the result holds counts and amounts only, never person data.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from . import budget, kpis
from .errors import InvalidInput, NotFound
from .rights import Resource
from .rights.directory import check_gemeente_code
from .store import repo


@dataclass(frozen=True)
class MonitoringReport:
    gemeente: str
    process_id: str | None
    start: datetime
    end: datetime
    generated_at: datetime
    figures: list[kpis.Figure]
    costs: list[budget.CostLine]
    vergunninghouders: int
    budget_per_vergunninghouder: float

    @property
    def total_cost(self) -> float:
        return round(sum(line.total for line in self.costs), 2)

    @property
    def budget(self) -> float:
        return round(self.vergunninghouders * self.budget_per_vergunninghouder, 2)

    def to_json(self) -> dict:
        return {
            "gemeente": self.gemeente, "process_id": self.process_id,
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "figures": [asdict(f) for f in self.figures],
            "costs": [{"process_id": c.process_id, "items": c.items, "total": c.total} for c in self.costs],
            "total_cost": self.total_cost, "vergunninghouders": self.vergunninghouders,
            "budget_per_vergunninghouder": self.budget_per_vergunninghouder, "budget": self.budget,
        }


class MonitoringMethods:
    def monitoring_report(self, gemeente: str, start: datetime, end: datetime, process_id: str | None = None,
                          rates_path=None) -> MonitoringReport:
        """The figures and costs of `gemeente` for [start, end), optionally for one variant."""
        if end <= start:
            raise InvalidInput(f"--to ({end.date()}) must be after --from ({start.date()})")
        rates = budget.load_rates(rates_path)
        check_gemeente_code(gemeente)  # the form of the argument only: it tells nothing about the data
        resource = Resource(f"the figures of {gemeente}", gemeente)
        with self.command("report.view", resource, write=False) as (session, who):
            if process_id is not None and repo.latest_definition(session, process_id) is None:
                raise NotFound(f"--process: process '{process_id}' is not deployed (see traject processes)")
            now = self.clock()
            scope = kpis.scope_for(who, gemeente, start, end, now, process_id)
            lines, vergunninghouders = budget.costs(session, scope, rates)
            return MonitoringReport(gemeente, process_id, start, end, now, kpis.compute(session, scope), lines,
                                    vergunninghouders, rates.budget_per_vergunninghouder)

    def plan_van_aanpak(self, process_id: str, fmt: str = "md", rates_path=None) -> str | bytes:
        """The plan van aanpak of the newest deployed version of `process_id`, as Markdown, HTML (text) or
        PDF (bytes)."""
        from . import plan_render
        rates = budget.load_rates(rates_path)
        with self.command("process.list", Resource(f"process {process_id}"), write=False) as (session, who):
            definition = repo.latest_definition(session, process_id)
            if definition is None:
                raise NotFound(f"process '{process_id}' is not deployed (see traject processes)")
            render = {"html": plan_render.to_html, "pdf": plan_render.to_pdf}.get(fmt, plan_render.to_markdown)
            return render(definition, rates.of(process_id))
