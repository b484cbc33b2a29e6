"""Validation of a deployment's BPMN and DMN files (`traject validate PATH...`).

`validate_files` reports every problem it can find, not just the first: hardened XML parsing, the
XML schemas, SpiffWorkflow's own parser, and our checks of what SpiffWorkflow only finds at run time
(script syntax, timers, forms, lanes, flows, references).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from engine.bundle import SourceFile

from .diagram import diagram_problems
from .dmn import dmn_problems
from .documents import Document, load
from .event_refs import event_ref_problems
from .expressions import expression_problems
from .foreign import bundle_problems, foreign_problems
from .forms import form_problems
from .joins import join_problems
from .lanes import lane_problems
from .legal import legal_problems
from .limits import limit_notes
from .messages import message_problems
from .names import name_problems
from .privacy import category_term_problems, privacy_problems
from .problem import Problem
from .references import reference_problems
from .structure import structure_problems
from .timers import timer_problems
from .xsd import xsd_problems

__all__ = ["Problem", "validate_files"]

_PER_DOCUMENT: tuple[Callable[[Document], list[Problem]], ...] = (
    xsd_problems, structure_problems, join_problems, event_ref_problems, lane_problems, expression_problems,
    timer_problems, dmn_problems, diagram_problems,
    foreign_problems, privacy_problems, limit_notes,
)


def validate_files(files: list[SourceFile], schema_dirs: Iterable[Path] = ()) -> list[Problem]:
    """Every problem in `files` (BPMN and DMN; other kinds are ignored), sorted by path and line."""
    from .spiff import spiff_problems

    schema_dirs = [Path(d) for d in schema_dirs]
    problems: list[Problem] = []
    docs: list[Document] = []
    for file in files:
        if file.kind in ("bpmn", "dmn"):
            doc, found = load(file)
            problems += found
            docs += [doc] if doc is not None else []
    seen_forms: set[Path] = set()
    for doc in docs:
        for check in _PER_DOCUMENT:
            problems += _guarded(doc.name, check, doc)
        problems += _guarded(doc.name, form_problems, doc, schema_dirs, seen_forms)
    if docs:
        problems += _guarded(docs[0].name, reference_problems, docs)
        problems += _guarded(docs[0].name, legal_problems, docs)
        problems += _guarded(docs[0].name, bundle_problems, docs)
        problems += _guarded(docs[0].name, category_term_problems, docs, schema_dirs)
        problems += _guarded(docs[0].name, message_problems, docs)
        problems += _guarded(docs[0].name, name_problems, docs, schema_dirs)
        problems += _guarded(docs[0].name, spiff_problems, docs, list(problems))
    return sorted(set(problems), key=Problem.sort_key)


def _guarded(name: str, check: Callable, *args) -> list[Problem]:
    # A check tripping over a strange file must not hide what the other checks found.
    try:
        return check(*args)
    except Exception as err:
        return [Problem(name, None, None, f"internal error in {check.__name__}: {type(err).__name__}: {err}")]
