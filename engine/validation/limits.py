"""Valid BPMN that SpiffWorkflow 3.2 runs otherwise than BPMN says: a note at the element, so the designer
learns it at validate time, not from a case that never moves on. Each was measured on raw SpiffWorkflow
(not only through Traject) before it was listed here:

- an event subprocess with a message start event is never started: the message cannot be received;
- an interrupting timer event subprocess starts, but does not cancel what the process was doing;
- a non-interrupting boundary timer with a cycle (R2/P1D): the tasks it started are cancelled when the
  activity it is attached to completes;
- a non-interrupting message boundary event catches its message once, not each time it comes.
"""
from __future__ import annotations

from .documents import Document, bpmn
from .problem import Problem


def limit_notes(doc: Document) -> list[Problem]:
    if doc.kind != "bpmn":
        return []
    notes = []
    for sub in doc.root.iter(bpmn("subProcess")):
        if sub.get("triggeredByEvent") != "true":
            continue
        for start in sub.findall(bpmn("startEvent")):
            if start.find(bpmn("messageEventDefinition")) is not None:
                notes.append(doc.note(start, f"event subprocess '{sub.get('id')}' starts on a message: "
                                      "SpiffWorkflow 3.2 never starts it, so the message cannot be received; "
                                      "catch it with a boundary event or an event-based gateway instead"))
            elif start.find(bpmn("timerEventDefinition")) is not None and start.get("isInterrupting") != "false":
                notes.append(doc.note(start, f"interrupting timer event subprocess '{sub.get('id')}': "
                                      "SpiffWorkflow 3.2 starts it but does not cancel the open tasks of the "
                                      "process; use an interrupting boundary timer to stop them"))
    for boundary in doc.root.iter(bpmn("boundaryEvent")):
        if boundary.get("cancelActivity") != "false":
            continue
        timer = boundary.find(bpmn("timerEventDefinition"))
        if timer is not None and timer.find(bpmn("timeCycle")) is not None:
            notes.append(doc.note(boundary, f"non-interrupting cycle timer '{boundary.get('id')}': in "
                                  "SpiffWorkflow 3.2 the tasks it starts are cancelled when "
                                  f"'{boundary.get('attachedToRef')}' completes"))
        if boundary.find(bpmn("messageEventDefinition")) is not None:
            notes.append(doc.note(boundary, f"non-interrupting message boundary '{boundary.get('id')}' catches "
                                  "its message once (SpiffWorkflow 3.2), not each time it comes"))
    return notes
