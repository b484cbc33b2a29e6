"""Constructs of BPMN drawn elsewhere (MIWG models, Camunda Modeler, modeler defaults) that Traject
would otherwise accept and then not run: found at validate time, at their element.

- a process with isExecutable="false" is never deployed (Spiff skips it): a note when other processes
  of the files deploy, an error when nothing would;
- a service task runs as an external task and needs a topic (engine/external.py);
- Camunda form fields and scripts in a language other than Python are never read;
- a message nobody throws or catches in the files is probably misspelt (a note);
- a call activity can only call a process, not a global task.
"""
from __future__ import annotations

from .documents import NS, Document, bpmn, local_name
from .problem import Problem

PYTHON_FORMATS = frozenset({"", "python", "text/python", "text/x-python", "application/x-python"})
GLOBAL_TASKS = ("globalTask", "globalUserTask", "globalManualTask", "globalScriptTask",
                "globalBusinessRuleTask")
_NOT_EXECUTABLE = ("process '{pid}' is not executable (isExecutable=\"false\"), so it is not deployed; "
                   "set isExecutable=\"true\" on the process to run it")


def foreign_problems(doc: Document) -> list[Problem]:
    """Per-file checks: service task topics, Camunda form fields, script languages."""
    if doc.kind != "bpmn":
        return []
    problems = []
    for task in doc.root.iter(bpmn("serviceTask")):
        if service_topic(task) is None:
            problems.append(doc.problem(task, f"service task '{task.get('id')}' has no topic: Traject runs a "
                                        "service task as an external task; set camunda:topic (Camunda "
                                        "Modeler: Implementation 'External') or a spiffworkflow "
                                        "serviceTaskOperator"))
    for form_data in doc.root.xpath(".//camunda:formData", namespaces=NS):
        problems.append(doc.problem(form_data, "Camunda form fields (camunda:formField) are not read by "
                                    "Traject; name a JSON Schema form with the spiffworkflow:properties "
                                    "property formJsonSchemaFilename instead"))
    for store in doc.root.iter(bpmn("dataStore")):
        name = " ".join((store.get("name") or store.get("id") or "").split())
        problems.append(doc.problem(store, f"data store '{name}': SpiffWorkflow runs no data store Traject "
                                    "provides; keep the data in the case (task data) or fetch it with an "
                                    "external task"))
    for task in doc.root.iter(bpmn("scriptTask")):
        language = (task.get("scriptFormat") or "").strip()
        if language.lower() not in PYTHON_FORMATS:
            problems.append(doc.problem(task, f"script task '{task.get('id')}' has scriptFormat '{language}'; "
                                        "Traject runs every script as Python, so write it in Python and "
                                        "set scriptFormat=\"python\""))
    return problems


def service_topic(task) -> str | None:
    """The external-task topic of a service task: camunda:topic, else the spiffworkflow operator's id."""
    topic = (task.get(f"{{{NS['camunda']}}}topic") or "").strip()
    if topic:
        return topic
    operators = task.xpath("./bpmn:extensionElements/spiffworkflow:serviceTaskOperator", namespaces=NS)
    if operators and (operators[0].get("id") or "").strip():
        return operators[0].get("id").strip()
    return None


def bundle_problems(docs: list[Document]) -> list[Problem]:
    """Checks that need every file: non-executable processes, messages, calls of global tasks."""
    bpmn_docs = [d for d in docs if d.kind == "bpmn"]
    return _executable_problems(bpmn_docs) + _message_notes(bpmn_docs) + _global_task_calls(bpmn_docs)


def _executable_problems(docs: list[Document]) -> list[Problem]:
    called = {c.get("calledElement") for d in docs for c in d.root.iter(bpmn("callActivity"))}
    processes = [(d, p) for d in docs for p in d.root.iter(bpmn("process"))]
    idle = [(d, p) for d, p in processes if p.get("isExecutable", "true") != "true" and p.get("id") not in called]
    if not idle:
        return []
    some_run = len(idle) < len(processes)
    made = (Document.note if some_run else Document.problem)
    return [made(d, p, _NOT_EXECUTABLE.format(pid=p.get("id"))) for d, p in idle]


def _message_notes(docs: list[Document]) -> list[Problem]:
    used: set[str] = set()
    for doc in docs:
        for ref in doc.root.xpath(".//bpmn:messageEventDefinition/@messageRef | .//bpmn:receiveTask/@messageRef"
                                  " | .//bpmn:sendTask/@messageRef | .//bpmn:messageFlow/@messageRef",
                                  namespaces=NS):
            used.add(str(ref).split(":")[-1])
    return [doc.note(message, f"message '{message.get('name') or message.get('id')}' is neither caught nor "
                     "thrown by any process in the files (a misspelt messageRef?)")
            for doc in docs for message in doc.root.iter(bpmn("message")) if message.get("id") not in used]


def _global_task_calls(docs: list[Document]) -> list[Problem]:
    globals_ = {g.get("id"): local_name(g) for d in docs for g in d.root.iter(*(bpmn(t) for t in GLOBAL_TASKS))}
    problems = []
    for doc in docs:
        for call in doc.root.iter(bpmn("callActivity")):
            kind = globals_.get(call.get("calledElement"))
            if kind:
                problems.append(doc.problem(call, f"call activity '{call.get('id')}' calls {kind} "
                                            f"'{call.get('calledElement')}': Traject (SpiffWorkflow) can only "
                                            "call a process; model the task inside a process and call that"))
    return problems
