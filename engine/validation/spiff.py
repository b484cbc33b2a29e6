"""Everything SpiffWorkflow's own parser refuses, turned into located Problems.

Files are added without Spiff's validator (xsd.py already reports every schema error, and a file with
a schema error should still be parsed for its other problems). Spiff stops at the first error of a
process, so every executable process is built on its own. Errors it raises without a file or line
(an unknown called process or decision, any error from a semantic check) are located here by id.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from .dmn import has_decision
from .documents import Document, bpmn
from .problem import Problem

# Spiff messages that repeat a problem our own checks already report more precisely. The pattern's
# group (or the error's element id) must match an id in one of our problems for it to be dropped.
_COVERED = (
    # an undefined messageRef/errorRef (event_refs.py), an event-based gateway leading to a task
    re.compile(r"^TypeError\(\"NodeParser\.raise_validation_exception\(\) got an unexpected keyword"),
    re.compile(r"^AttributeError\(\"'\w+' object has no attribute 'event_definition'"),
    re.compile(r"^The process '([^']*)' was not found"),
    re.compile(r'^No DMN Diagram available with id "([^"]*)"'),
    re.compile(r"^When looking for a task spec, we found two items.*?\(([^)]*)\)"),
    re.compile(r"^Non-default exclusive outgoing sequence flow without condition"),
    re.compile(r"^Malformed Output Expression"),
    re.compile(r'^No "calledElement" attribute'),
    re.compile(r"^Time Specification Error\. Unknown Time Specification"),
    re.compile(r"^Multiple decision tables are not current supported"),
    re.compile(r"^Data Store with name (.*) has no implementation", re.S),
)

_RAW = "SpiffWorkflow cannot parse this file: "
_ELEMENT_REPR = re.compile(r"<Element (?:\{[^}]*\})?([\w.-]+) at 0x[0-9a-f]+>")


class _Collector:
    def __init__(self, docs: list[Document]):
        self.docs = docs
        self.by_name = {doc.name: doc for doc in docs}
        self.problems: list[Problem] = []

    @contextmanager
    def catching(self, doc: Document) -> Iterator[None]:
        """Turn any exception raised while Spiff works on `doc` into a Problem, and carry on."""
        from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

        try:
            yield
        except ValidationException as err:
            self.problems.append(self._from_validation(err, doc))
        except Exception as err:  # the parser also leaks KeyError, IndexError, ...
            message = f"{_RAW}{type(err).__name__}: {err}"
            self.problems.append(Problem(doc.name, None, None, message))

    def _from_validation(self, err, current: Document) -> Problem:
        element_id = err.id or None
        doc = self.by_name.get(err.file_name) or self._holder(element_id, current)
        line = err.line_number if isinstance(err.line_number, int) else doc.line_of_id(element_id)
        message = err.args[0] if err.args else str(err)
        # Spiff puts lxml element reprs in some messages: "<Element {ns}targetRef at 0x7f...>" -> "<targetRef>"
        message = _ELEMENT_REPR.sub(r"<\1>", message)
        if err.notes:
            message += " (" + "; ".join(err.notes) + ")"
        if err.tag and element_id:
            message += f" [{err.tag} '{element_id}']"  # some messages end mid-sentence ("for tasks of type")
        return Problem(doc.name, line, element_id, f"SpiffWorkflow: {message}")

    def _holder(self, element_id: str | None, current: Document) -> Document:
        """The file defining `element_id` (the current one first): Spiff sometimes omits the file name."""
        if element_id and element_id not in current.by_id:
            for doc in self.docs:
                if element_id in doc.by_id:
                    return doc
        return current


def spiff_problems(docs: list[Document], own: list[Problem]) -> list[Problem]:
    from engine.bpmn_parser import TrajectBpmnParser

    parser = TrajectBpmnParser()  # no validator on purpose: see the module docstring
    collector = _Collector(docs)
    for doc in docs:
        with collector.catching(doc):
            if doc.kind == "bpmn":
                parser.add_bpmn_xml(doc.tree, filename=doc.name)
            elif has_decision(doc):  # dmn.py reports a DMN file without a decision
                parser.add_dmn_xml(doc.root, filename=doc.name)
    _build_all(parser, docs, collector)
    return [p for p in collector.problems if not _covered(p, own)]


def _build_all(parser, docs: list[Document], collector: _Collector) -> None:
    # DMN files are otherwise parsed only when a business-rule task uses them.
    for dmn_parser in list(parser.dmn_parsers.values()):
        doc = collector.by_name.get(dmn_parser.filename) or docs[0]
        with collector.catching(doc):
            dmn_parser.parse()
    for doc in docs:
        if doc.kind != "bpmn":
            continue
        for process in doc.root.iter(bpmn("process")):
            process_id = process.get("id")
            if process.get("isExecutable", "true") != "true" or parser.get_process_parser(process_id) is None:
                continue
            with collector.catching(doc):
                parser.get_spec(process_id)
            with collector.catching(doc):
                parser.get_subprocess_specs(process_id)


_DUPLICATE_ID = re.compile(r"id '([^']*)' is used more than once")


def _covered(problem: Problem, own: list[Problem]) -> bool:
    if _on_duplicate_id(problem, own):
        return True
    if problem.message.startswith(_RAW) and any(p.path == problem.path for p in own):
        # A raw exception (IndexError, KeyError) from Spiff carries no location; when our checks already
        # located a problem in that file it is almost always the same cause, reported less clearly.
        return True
    message = problem.message.removeprefix("SpiffWorkflow: ")
    for pattern in _COVERED:
        match = pattern.match(message)
        if match is None:
            continue
        key = match.group(1) if pattern.groups else problem.element_id
        key = " ".join(key.split()) if key else key  # a name with a newline is shown on one line
        return any(p.element_id == key or (key and f"'{key}'" in p.message) for p in own)
    return False


def _on_duplicate_id(problem: Problem, own: list[Problem]) -> bool:
    """Spiff reads two elements with one id as one (with the flows of both): what it then says about that
    element ("multiple outgoing flows are not supported") only misleads; the duplicate is the cause."""
    duplicates = {m.group(1) for p in own if p.path == problem.path and (m := _DUPLICATE_ID.search(p.message))}
    return problem.element_id in duplicates or any(f"'{d}'" in problem.message for d in duplicates)
