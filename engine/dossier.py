"""A task's form and a case's dossier: what a caseworker opens, read through the case's workflow.

Mixin of Engine (engine/service.py: `_ctx`, `_source`, `_summary`, `_version_of`; `_reveal` from
engine/privacy.py). Both reads are logged in the access log (task_viewed, dossier_viewed).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from . import worklist
from .errors import NotFound
from .instructions import render as render_instructions
from .rights import Resource, case_resource
from .rights.principal import task_resource
from .store import repo
from .store.tables import Case, Event
from .views import CaseDetail, FormSpec, HistoryEntry, Incident
from .worklist import TaskFilter


class DossierMethods:
    def get_form(self, task_id: str) -> FormSpec:
        from .service import _runtime

        cases, instances = _runtime()
        with self.command("task.view", Resource(f"task {task_id}")) as (session, who):
            item = cases.work_item(session, task_id)
            resource = task_resource(item)
            who.require("task.view", resource)
            case = session.get(Case, item.case_id)
            definition = repo.definition(session, case.definition_id)
            workflow = cases.peek_for_reading(session, self._ctx(who.name), case)
            task = instances.find_ready_human_task(workflow, task_id)
            described = instances.human_tasks(workflow)
            info = next((t for t in described if t.id == task_id), None)
            schema = _json_or_none(self._source(definition, item.form))
            data = _json_safe(dict(task.data)) if task else {}
            if who.sees_restricted_data(resource):  # an outside executor: only what the form asks for
                data = {k: v for k, v in data.items() if k in (schema or {}).get("properties", {})}
            data = self._reveal(session, who, resource, data, case.id)
            self.log(session, who, "task_viewed", "task.view", resource.label, "ok", case_id=case.id)
            return FormSpec(
                task_id=task_id, case_id=case.id, task=item.task, title=item.title,
                schema=schema, ui_schema=_json_or_none(self._source(definition, item.ui_form)),
                data=data, schema_name=item.form, role=item.role,
                instructions=render_instructions(info.instructions, dict(task.data)) if info and task else None,
                assignee=item.assignee,
            )

    def show_case(self, case_id: str) -> CaseDetail:
        from .service import _runtime

        cases, instances = _runtime()
        from .case_path import case_path
        from .purge import ERASED_STATUS

        with self.command("case.view", case_resource(case_id)) as (session, who):
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            resource = case_resource(case_id, case.gemeente)
            who.require("case.view", resource)
            workflow = cases.peek_for_reading(session, self._ctx(who.name), case)
            events = session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq))
            titles = instances.element_labels(workflow.spec, workflow.subprocess_specs)  # task ids -> names
            self.log(session, who, "dossier_viewed", "case.view", resource.label, "ok", case_id=case_id)
            history = [_history(e, self._version_of(session, e.definition_id), titles) for e in events]
            # an erased case goes nowhere: its kept workflow would still predict a path and timers
            erased = case.status == ERASED_STATUS
            return CaseDetail(
                summary=self._summary(session, case),
                data=self._reveal(session, who, resource, _json_safe(instances.case_data(workflow)), case_id),
                open_tasks=tuple(worklist.query(session, TaskFilter(case_id=case_id))),
                events=tuple(self._history_shown(session, who, resource, h, case_id) for h in history),
                incident=incident_of(case),
                waiting_timers=() if erased else tuple(instances.waiting_timers(workflow)),
                waiting_for=() if erased else tuple(_waiting_for(workflow)),
                path=() if erased else case_path(workflow),
            )

    def visited_nodes(self, case_id: str) -> set[tuple[str, str]]:
        """(process id, element id) of every flow node the case has run: scenario coverage."""
        from .service import _runtime

        cases, instances = _runtime()
        with self.command("case.view", case_resource(case_id), write=False) as (session, who):
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case '{case_id}' does not exist")
            who.require("case.view", case_resource(case_id, case.gemeente))
            return instances.visited_nodes(cases.peek_for_reading(session, self._ctx(who.name), case))

    def _history_shown(self, session, who, resource, entry: HistoryEntry, case_id: str) -> HistoryEntry:
        """A history entry with its restricted values revealed or hidden like the case data."""
        from dataclasses import replace

        payload = entry.data
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
            return entry
        inner = self._reveal(session, who, resource, payload["data"], case_id, log=False)  # logged with the data
        return entry if inner is payload["data"] else replace(entry, data={**payload, "data": inner})


def _waiting_for(workflow) -> list[str]:
    from .waiting import waiting_for

    return waiting_for(workflow)


def _history(event: Event, version: int | None, titles: dict | None = None) -> HistoryEntry:
    title = (titles or {}).get(event.task, (None,))[0] if event.task else None
    return HistoryEntry(seq=event.seq, type=event.type, task=event.task, actor=event.actor, at=event.at,
                        data=event.data, definition_version=version, hash=event.hash, title=title)


def incident_of(case) -> Incident | None:
    """The incident stored on a case row (an ORM Case), as the views show it."""
    if not case.incident:
        return None
    at = case.incident.get("at")
    return Incident(case.incident.get("task"), case.incident.get("message", ""),
                    datetime.fromisoformat(at) if at else None)


def _json_or_none(text: str | None) -> dict | None:
    return json.loads(text) if text else None


def _json_safe(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))
