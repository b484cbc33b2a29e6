"""Messages a process waits for that nobody sends, and the group-session catches (engine/sessions.py).

A catch (intermediate catch event, boundary event, receive task) whose message no throw event, send task
or message flow in the files sends, and that the engine does not send itself (sessie_gepland and
sessie_afgerond come from `traject sessions`), can only be moved on by `traject message` from outside:
a note at the catch, since a connector may be meant to send it. A `sessie_soort` other than workshop or
ceremonie on a session catch is an error: no session could ever be enrolled there.
"""
from __future__ import annotations

from .documents import NS, Document, bpmn, local_name
from .problem import Problem

# What `traject sessions` delivers with each message (engine/sessions.py planned_payload, done_payload; a
# test keeps them equal): a process that catches one may read these names (engine/validation/names.py).
SESSION_FIELDS = {
    "sessie_gepland": ("sessie_id", "sessie_soort", "sessie_titel", "sessie_datum", "sessie_dagdelen",
                       "sessie_plaats", "sessie_talen", "sessie_tolk_type", "sessie_tolk_taal",
                       "sessie_tolk_geboekt", "sessie_uitvoerder", "sessie_ondertekenaar"),
    "sessie_afgerond": ("sessie_id", "sessie_soort", "sessie_titel", "sessie_datum", "sessie_uitkomst",
                        "sessie_dagdelen", "sessie_dagdelen_aanwezig", "sessie_dagdelen_totaal",
                        "sessie_ondertekenaar", "sessie_reden"),
}
ENGINE_SENT = tuple(SESSION_FIELDS)  # engine/sessions.py MESSAGE_PLANNED, MESSAGE_DONE
SESSION_KINDS = ("workshop", "ceremonie")
_CATCHES = ("intermediateCatchEvent", "boundaryEvent", "receiveTask")
_THROWS = ("intermediateThrowEvent", "endEvent", "sendTask")


def message_problems(docs: list[Document]) -> list[Problem]:
    bpmn_docs = [d for d in docs if d.kind == "bpmn"]
    names = {m.get("id"): m.get("name") or m.get("id") for d in bpmn_docs for m in d.root.iter(bpmn("message"))}
    sent, flow_targets = set(), set()
    for doc in bpmn_docs:
        for element in doc.root.iter(*(bpmn(t) for t in _THROWS)):
            sent |= {names.get(_ref(r)) for r in _message_refs(element)}
        for flow in doc.root.iter(bpmn("messageFlow")):
            flow_targets.add(flow.get("targetRef"))
            if flow.get("messageRef"):
                sent.add(names.get(_ref(flow.get("messageRef"))))
    problems = []
    for doc in bpmn_docs:
        for catch in doc.root.iter(*(bpmn(t) for t in _CATCHES)):
            for ref in _message_refs(catch):
                name = names.get(_ref(ref))
                if name is None:
                    continue  # an unknown messageRef is the reference check's finding
                problems += _session_kind(doc, catch, name)
                if name in sent or name in ENGINE_SENT or catch.get("id") in flow_targets:
                    continue
                problems.append(doc.note(catch, f"{local_name(catch)} '{catch.get('id')}' waits for message "
                                         f"'{name}' that nothing in these files sends (no throw event, send task "
                                         "or message flow), nor the engine: only `traject message` can move "
                                         "the case on here"))
    return problems


def caught_session_fields(doc: Document) -> set[str]:
    """The payload names of the session messages this file catches."""
    names = {m.get("id"): m.get("name") for m in doc.root.iter(bpmn("message"))}
    caught = {names.get(_ref(r)) for c in doc.root.iter(*(bpmn(t) for t in _CATCHES)) for r in _message_refs(c)}
    return {f for message in caught & set(SESSION_FIELDS) for f in SESSION_FIELDS[message]}


def _message_refs(element) -> list[str]:
    refs = [element.get("messageRef")] if local_name(element) in ("receiveTask", "sendTask") else []
    refs += [d.get("messageRef") for d in element.iter(bpmn("messageEventDefinition"))]
    return [r for r in refs if r]


def _ref(value: str) -> str:
    return str(value).split(":")[-1]


def _session_kind(doc: Document, catch, name: str) -> list[Problem]:
    kinds = catch.xpath(".//spiffworkflow:property[@name='sessie_soort']/@value", namespaces=NS)
    if not kinds:
        return []
    if name != "sessie_gepland":
        return [doc.problem(catch, f"'{catch.get('id')}' names sessie_soort but waits for '{name}': only a "
                            "catch of sessie_gepland chooses the kind of session it waits for")]
    if kinds[0] not in SESSION_KINDS:
        return [doc.problem(catch, f"'{catch.get('id')}': sessie_soort '{kinds[0]}' is not a session kind "
                            f"(expected {' or '.join(SESSION_KINDS)})")]
    return []
