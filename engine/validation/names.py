"""Names that conditions, scripts and timers read but nothing in the deployment can define.

A typo in a gateway condition (`not pvt_plichtg`) compiles, deploys and only fails as an incident in a
live case. A name can be defined by: a form field (task and start forms, any nesting of `properties`
in the schema or its if/then/else/allOf branches), an assignment in any script of the deployment, a
DMN output column, a signal or message variable, or the script helpers and builtins. The check is
deployment-wide (a variant sets what a building block reads), so it finds names nothing defines at
all; it cannot prove a name is set before it is read on every path. A user task without a form, or a
startable process whose start event has none, accepts any data: then every name could be defined and
the check stays silent. Timer expressions are left to the timer check (an unquoted "P14D" reads as a
name there).
"""
from __future__ import annotations

import ast
import difflib
import json
import textwrap
from collections.abc import Iterable
from pathlib import Path

from engine.bundle import resolve_form

from .documents import NS, Document, bpmn, local_name, text_of
from .problem import Problem
from .syntax import at_line

_FORM_PROPERTIES = ("formJsonSchemaFilename",)
_EXPRESSIONS = (  # (xpath, compile mode, what) of code that reads task data
    (".//bpmn:conditionExpression", "eval", "condition"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "eval", "loop condition"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "eval", "loop cardinality"),
    (".//bpmn:extensionElements/spiffworkflow:preScript", "exec", "pre-script"),
    (".//bpmn:extensionElements/spiffworkflow:postScript", "exec", "post-script"),
    (".//bpmn:scriptTask/bpmn:script", "exec", "script"),
    (".//bpmn:signal/bpmn:extensionElements/spiffworkflow:payloadExpression", "eval", "signal payload"),
)
_VARIABLE_TAGS = ("variableName", "messageVariable")


def name_problems(docs: list[Document], schema_dirs: Iterable[Path] = ()) -> list[Problem]:
    if _accepts_free_data(docs):
        return []
    defined = _defined_names(docs, list(schema_dirs))
    problems = []
    for doc in docs:
        if doc.kind != "bpmn":
            continue
        for element, tree, what in _code(doc):
            for node in _reads(tree):
                if node.id not in defined:
                    problems.append(_problem(doc, element, node, what, defined))
    return problems


def _accepts_free_data(docs: list[Document]) -> bool:
    called = {c.get("calledElement") for d in docs for c in d.root.iter(bpmn("callActivity"))}
    for doc in docs:
        if doc.kind != "bpmn":
            continue
        for process in doc.root.iter(bpmn("process")):
            starts = [] if process.get("id") in called else process.findall("bpmn:startEvent", NS)
            for element in [*process.iter(bpmn("userTask")), *starts]:
                if not _has_form(element):
                    return True
    return False


def _has_form(element) -> bool:
    return any(p.get("name") in _FORM_PROPERTIES and (p.get("value") or "").strip()
               for p in element.xpath("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                                      namespaces=NS))


def _problem(doc: Document, element, node: ast.Name, what: str, defined: set[str]) -> Problem:
    guess = difflib.get_close_matches(node.id, sorted(defined), n=1, cutoff=0.75)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    return doc.problem(element, f"{what} reads '{node.id}', which no form field, script, decision output or "
                       f"start data defines{hint}", line=at_line(element, node.lineno))


def _code(doc: Document):
    """(element, parsed tree, what) for every piece of code in `doc` that parses (syntax is checked elsewhere)."""
    for xpath, mode, what in _EXPRESSIONS:
        for element in doc.root.xpath(xpath, namespaces=NS):
            source = text_of(element)
            if not source.strip():
                continue
            try:
                yield element, ast.parse(textwrap.dedent(source) if mode == "exec" else source.strip(), mode=mode), what
            except SyntaxError:
                continue


def _reads(tree: ast.AST) -> list[ast.Name]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def _writes(tree: ast.AST) -> set[str]:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ExceptHandler)) and n.name}
    names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    return names


def _defined_names(docs: list[Document], schema_dirs: list[Path]) -> set[str]:
    from engine.scripting import _BUILTINS, HELPERS  # the names every script sees

    from .messages import caught_session_fields

    defined = set(HELPERS) | set(_BUILTINS) | {"True", "False", "None"}
    for doc in docs:
        if doc.kind == "dmn":
            defined |= {o.get("name") for o in doc.root.iter() if local_name(o) == "output" and o.get("name")}
            continue
        for _, tree, _ in _code(doc):
            defined |= _writes(tree)
        defined |= {text_of(e).strip() for e in doc.root.iter() if local_name(e) in _VARIABLE_TAGS}
        defined |= _form_fields(doc, schema_dirs)
        defined |= caught_session_fields(doc)
    return defined


def _form_fields(doc: Document, schema_dirs: list[Path]) -> set[str]:
    fields: set[str] = set()
    for prop in doc.root.xpath(".//spiffworkflow:property", namespaces=NS):
        if prop.get("name") not in _FORM_PROPERTIES or not prop.get("value"):
            continue
        found = resolve_form(prop.get("value").strip(), doc.file.path, schema_dirs)
        try:
            schema = json.loads(found.read_text(encoding="utf-8")) if found else None
        except (OSError, ValueError):
            schema = None  # the form check reports an unreadable or invalid file
        fields |= _schema_fields(schema)
    return fields


def _schema_fields(schema) -> set[str]:
    """Top-level data keys a form can post: its properties, also those inside conditional branches."""
    if not isinstance(schema, dict):
        return set()
    fields = set(schema.get("properties", {})) if isinstance(schema.get("properties"), dict) else set()
    for key in ("if", "then", "else"):
        fields |= _schema_fields(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key) or []:
            fields |= _schema_fields(branch)
    return fields
