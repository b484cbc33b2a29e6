"""Message delivery (`traject message`): start a process by its message start event, or deliver to the
waiting case(s) whose correlation matches. Receivers are found in SQL (message_waits, and
definition_versions.start_message), never by loading workflows.

Exactly one case receives a delivery unless every matching wait is declared broadcast (the catch
event's spiffworkflow property `broadcast` = `true`); a message nobody waits for is an error.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Integer, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from . import cases, waiting
from .audit import case_chain
from .errors import InvalidInput
from .store import repo
from .store.tables import Case, DefinitionVersion, MessageWait


@dataclass(frozen=True)
class Receiver:
    case_id: str
    task_id: str
    broadcast: bool


def find_receivers(session: Session, message: str, case_id: str | None, correlate: dict[str, str],
                   within=None) -> list[Receiver]:
    """`within`: the sender's rights clause on cases (engine/rights/visibility.py); cases outside it are
    no receivers."""
    stmt = select(MessageWait.case_id, MessageWait.task_id, func.min(cast(MessageWait.broadcast, Integer)))
    stmt = stmt.where(MessageWait.message == message)
    if within is not None:
        stmt = stmt.join(Case, Case.id == MessageWait.case_id).where(within)
    if case_id:
        stmt = stmt.where(MessageWait.case_id == case_id)
    if correlate:
        stmt = stmt.where(or_(*(and_(MessageWait.corr_key == k, MessageWait.corr_value == v)
                                for k, v in correlate.items())))
    stmt = stmt.group_by(MessageWait.case_id, MessageWait.task_id)
    if correlate:  # every key given must match, not just one of them
        stmt = stmt.having(func.count(func.distinct(MessageWait.corr_key)) == len(correlate))
    rows = session.execute(stmt.order_by(MessageWait.case_id, MessageWait.task_id)).all()
    first_per_case: dict[str, Receiver] = {}
    for row_case, task_id, broadcast in rows:
        first_per_case.setdefault(row_case, Receiver(row_case, task_id, bool(broadcast)))
    return list(first_per_case.values())


def starter(session: Session, message: str) -> DefinitionVersion | None:
    """The newest version of the one startable process that starts on `message`."""
    newest = (select(DefinitionVersion.process_id, func.max(DefinitionVersion.version).label("version"))
              .group_by(DefinitionVersion.process_id).subquery())
    rows = list(session.scalars(
        select(DefinitionVersion).join(newest, (DefinitionVersion.process_id == newest.c.process_id)
                                       & (DefinitionVersion.version == newest.c.version))
        .where(DefinitionVersion.start_message == message, DefinitionVersion.startable.is_(True))))
    if len(rows) > 1:
        names = ", ".join(r.process_id for r in rows)
        raise InvalidInput(f"message '{message}' starts more than one process ({names}); deploy only one")
    return rows[0] if rows else None


def deliver_to(session: Session, ctx: cases.CaseContext, receiver: Receiver, message: str, data: dict,
               correlate: dict[str, str]) -> Case:
    case = repo.case_for_update(session, receiver.case_id)
    workflow = cases.load_for_reading(session, ctx, case)
    element = next((w.element for w in waiting.message_waits(workflow)
                    if w.task_id == receiver.task_id and w.message == message), None)
    incident = cases._try(lambda: waiting.deliver(workflow, receiver.task_id, data, ctx.clock, message))
    if incident:
        workflow = cases.load_for_reading(session, ctx, case)
    digest = cases._store(session, ctx, case, workflow, incident)
    payload = {"message": message, "element": element, "correlate": correlate, "data": data}
    cases._record(session, ctx, case, workflow, digest, "message_received", payload, task=element,
                  incident=incident)
    return case


def start_by_message(session: Session, ctx: cases.CaseContext, definition: DefinitionVersion, gemeente: str,
                     message: str, data: dict) -> Case:
    """A new case whose message start event receives `data`; recorded as one `case_started` event."""
    from . import instances

    spec, subs = ctx.specs.get(definition.id, lambda: definition.specs)
    now = ctx.clock()
    workflow = instances.new_workflow(spec, subs, ctx.script_engine_factory(), data)
    case = Case(id=str(uuid.uuid4()), definition_id=definition.id, process_id=definition.process_id,
                gemeente=gemeente, status="running", stage=None, workflow="",
                serializer_version=cases.SERIALIZER_VERSION, created_at=now, updated_at=now, last_event_seq=0)
    session.add(case)
    with session.no_autoflush:  # in the installation's chain of started cases, as cases.start puts its own
        case_chain.link(session, case, repo.audit_key(session), now)
    element = None

    def run():
        nonlocal element
        instances.advance(workflow, ctx.clock)
        wait = next((w for w in waiting.message_waits(workflow) if w.message == message), None)
        if wait is None:
            raise instances.Incident(None, f"the process does not wait for message '{message}' at its start")
        element = wait.element
        waiting.deliver(workflow, wait.task_id, data, ctx.clock, message)

    incident = cases._try(run)
    if incident:
        workflow = instances.new_workflow(spec, subs, ctx.script_engine_factory(), data)
    digest = cases._store(session, ctx, case, workflow, incident)
    payload = {"process_id": definition.process_id, "gemeente": gemeente, "data": data, "message": message,
               "element": element}
    cases._record(session, ctx, case, workflow, digest, "case_started", payload, incident=incident)
    return case


def no_receiver(message: str, case_id: str | None, correlate: dict) -> InvalidInput:
    if case_id:
        return InvalidInput(f"case '{case_id}' is not waiting for message '{message}'")
    if correlate:
        keys = ", ".join(f"{k}={v}" for k, v in correlate.items())
        return InvalidInput(f"no case waits for message '{message}' with {keys}, and no deployed process "
                            "starts on it; nothing was delivered")
    return InvalidInput(f"no case waits for message '{message}' and no deployed process starts on it; "
                        "nothing was delivered")
