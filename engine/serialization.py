"""Workflow serialization without the spec.

SpiffWorkflow embeds the whole spec in every serialized workflow (about 60% of the bytes). We keep
specs once per definition version and store cases without them: a converter that leaves the specs
out on the way in and takes the cached spec objects on the way out.
"""
from __future__ import annotations

import json
import threading

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter

from . import task_ids
from .bpmn_parser import ExternalServiceTask

SERIALIZER_VERSION = VERSION


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        dct["traject_task_ids"] = task_ids.issued(workflow)  # so replayed commands make the same ids
        seed = task_ids.seed_if_not_root(workflow)  # a migrated case's workflow, rebuilt by a replay
        if seed:
            dct["traject_task_seed"] = seed
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        seed = dct.get("traject_task_seed")
        task_ids.attach(workflow, dct.get("traject_task_ids", 0), _uuid(seed) if seed else None)
        return workflow


def _uuid(text):
    from uuid import UUID

    return UUID(text)


_lock = threading.Lock()
_registry = None
_encoder = None


def _get_registry():
    """The converter registry, built once (it takes a few milliseconds)."""
    global _registry, _encoder
    with _lock:
        if _registry is None:
            config = dict(SPIFF_CONFIG)  # spiff task classes (spiff.serializer DEFAULT_CONFIG is the plain BPMN one)
            config[BpmnWorkflow] = SpeclessWorkflowConverter
            config[ExternalServiceTask] = ServiceTaskConverter  # our external task: same fields
            _registry = BpmnWorkflowSerializer.configure(config)
            _encoder = create_encoder(_registry)
        return _registry


def _to_json(obj) -> str:
    """JSON text the way BpmnWorkflowSerializer.serialize_json makes it: the registry in encoder mode
    converts the top object and the JSON encoder converts nested Spiff objects on the way."""
    registry = _get_registry()
    registry._encoder_mode = True
    try:
        return json.dumps(registry.convert(obj), cls=_encoder, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def specs_to_dict(spec, subprocess_specs) -> dict:
    return {
        "spec": json.loads(_to_json(spec)),
        "subprocess_specs": {name: json.loads(_to_json(s)) for name, s in subprocess_specs.items()},
    }


def specs_from_dict(dct: dict):
    """Restore (spec, subprocess_specs) objects from `specs_to_dict` output."""
    registry = _get_registry()
    spec = registry.restore(json.loads(json.dumps(dct["spec"])))  # restore mutates: work on a copy
    subs = {name: registry.restore(json.loads(json.dumps(s))) for name, s in dct["subprocess_specs"].items()}
    return spec, subs


def dump_workflow(workflow) -> str:
    return _to_json(workflow)


def load_workflow(text: str, spec, subprocess_specs):
    return _get_registry().restore(json.loads(text), spec=spec, subprocess_specs=subprocess_specs)
