"""Process definitions: parse BPMN/DMN bundles with SpiffWorkflow and keep their specs per version.

A deployment is split per process: each process gets the files it needs (its own BPMN file, the files
of the processes it calls, the DMN files and the form files they name), hashed together. A process
whose files did not change keeps its version.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .bpmn_parser import TrajectBpmnParser
from .bundle import SourceFile, content_hash, resolve_form
from .errors import DefinitionInvalid, InvalidInput
from .serialization import specs_from_dict, specs_to_dict
from .xmlsafe import parse_xml

FORM_KEY = "formJsonSchemaFilename"
UI_FORM_KEY = "formUiSchemaFilename"

@dataclass(frozen=True)
class ProcessBuild:
    """What deploying one process of a bundle would store."""

    process_id: str
    name: str
    startable: bool
    content_hash: str
    sources: dict[str, str]  # file base name -> text
    specs: dict  # {"spec": ..., "subprocess_specs": ...} in the serializer's format
    start_form: str | None
    start_ui_form: str | None
    start_message: str | None = None  # the name of the message its start event waits for


def build_processes(files: list[SourceFile], schema_dirs: Iterable[Path] = (),
                    notes: list | None = None) -> list[ProcessBuild]:
    """Validate and parse a bundle; one ProcessBuild per executable process. Raises DefinitionInvalid
    on any error, or when no process can be deployed; validation notes are appended to `notes`."""
    from .validation import validate_files

    problems = validate_files(files, schema_dirs)
    if any(not p.is_note for p in problems):
        raise DefinitionInvalid(problems)
    if notes is not None:
        notes.extend(problems)
    parser = TrajectBpmnParser()
    for source in files:
        tree = parse_xml(source.content)
        if source.kind == "dmn":
            parser.add_dmn_xml(tree.getroot(), filename=source.name)
        else:
            parser.add_bpmn_xml(tree.getroot(), filename=source.name)
    called = {cid for p in parser.process_parsers.values() for cid in p.called_element_ids()}
    by_name = {f.name: f for f in files}
    dmn_files = [f for f in files if f.kind == "dmn"]
    if not parser.get_process_ids():
        from .validation import Problem

        where = next((f.name for f in files if f.kind == "bpmn"), files[0].name if files else "-")
        raise DefinitionInvalid([*problems, Problem(where, None, None, "no executable process in the files "
                                                    "given: nothing to deploy")])
    return [
        _build_one(parser, pid, pid not in called, by_name, dmn_files, schema_dirs)
        for pid in sorted(parser.get_process_ids())
    ]


def _build_one(parser, process_id, startable, by_name, dmn_files, schema_dirs) -> ProcessBuild:
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id)
    used_files = {spec.file, *(s.file for s in subprocess_specs.values() if s is not None)}
    sources = {Path(name).name: by_name[name].content for name in used_files if name in by_name}
    sources.update({Path(f.name).name: f.content for f in dmn_files})
    for task_spec, bpmn_file in _task_specs_with_files(spec, subprocess_specs):
        for key in (FORM_KEY, UI_FORM_KEY):
            form_name = _properties(task_spec).get(key)
            if form_name:
                path = resolve_form(form_name, by_name[bpmn_file].path, schema_dirs)
                if path is None:  # validation reports this first; keep the error if it slips through
                    raise InvalidInput(f"{bpmn_file}: form file '{form_name}' not found")
                sources[form_name] = path.read_bytes()
    start = _start_event(spec)
    start_props = _properties(start) if start else {}
    return ProcessBuild(
        process_id=process_id,
        name=spec.description or process_id,
        startable=startable,
        content_hash=content_hash(sources.items()),
        sources={name: content.decode("utf-8") for name, content in sources.items()},
        specs=specs_to_dict(spec, subprocess_specs),
        start_form=start_props.get(FORM_KEY),
        start_ui_form=start_props.get(UI_FORM_KEY),
        start_message=_start_message(spec),
    )


def _task_specs_with_files(spec, subprocess_specs):
    for process_spec in [spec, *(s for s in subprocess_specs.values() if s is not None)]:
        for task_spec in process_spec.task_specs.values():
            yield task_spec, process_spec.file


def _start_event(spec):
    from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

    starts = [t for t in spec.task_specs.values() if isinstance(t, StartEvent)]
    return starts[0] if starts else None


def _start_message(spec) -> str | None:
    from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
    from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(task_spec, StartEvent) and isinstance(definition, MessageEventDefinition):
            return definition.name
    return None


def _properties(task_spec) -> dict:
    extensions = getattr(task_spec, "extensions", None) or {}
    return extensions.get("properties") or {}


class SpecCache:
    """Restored spec objects per definition version id; a deployed version never changes.

    Restoring the specs of a 20-task process costs a few milliseconds, against well under one for the
    case itself, so every command after the first on a version reuses them.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._specs: dict[int, tuple] = {}

    def get(self, definition_id: int, specs: dict | Callable[[], dict]) -> tuple:
        """`specs` may be a loader, called only on a miss: the specs column is large (tens of KB)
        and deferred, so a command on a cached version never reads it."""
        with self._lock:
            cached = self._specs.get(definition_id)
            if cached is None:
                cached = specs_from_dict(specs() if callable(specs) else specs)
                self._specs[definition_id] = cached
            return cached


def reparsed_specs(sources: dict[str, str], process_id: str) -> dict:
    """The specs a version's stored BPMN and DMN sources parse to, as `specs_to_dict` gives them, with
    file names reduced to base names (a deploy records the path it was given). `audit verify` compares
    them with the stored specs: an edit to a stored spec (a script no case has run yet) shows there.
    Costs a few milliseconds per version (2 ms for a three-task process)."""
    parser = TrajectBpmnParser()
    for name, text in sorted(sources.items()):
        if name.endswith(".dmn"):
            parser.add_dmn_xml(parse_xml(text.encode("utf-8")).getroot(), filename=name)
        elif name.endswith(".bpmn"):
            parser.add_bpmn_xml(parse_xml(text.encode("utf-8")).getroot(), filename=name)
    return comparable_specs(specs_to_dict(parser.get_spec(process_id), parser.get_subprocess_specs(process_id)))


def comparable_specs(specs) -> object:
    """`specs` as plain JSON values with every `file` reduced to its base name."""
    import json

    def strip(value):
        if isinstance(value, dict):
            return {k: (Path(v).name if k == "file" and isinstance(v, str) else strip(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(json.dumps(specs, default=str)))
