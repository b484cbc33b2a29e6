"""The BPMN parser Traject uses everywhere (deploy and validate): SpiffWorkflow's, made a little wider.

- SpiffBpmnParser reads a business rule task's decision only from spiffworkflow:calledDecisionId.
  Files drawn in Camunda Modeler name it with the camunda:decisionRef attribute; we accept both.
- A service task is an *external task* (as Camunda's): its topic comes from camunda:topic or from a
  spiffworkflow:serviceTaskOperator's id; reaching it leaves the task STARTED (waiting) and an outside
  worker fetches and completes it (engine/external.py). Spiff would call a service in-process instead.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser, ServiceTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask, ServiceTask

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
INPUT_KEY = "external_input"  # task.internal_data key of an external task's evaluated input


class _DecisionRefParser(BusinessRuleTaskParser):
    @staticmethod
    def get_decision_ref(node):
        return BusinessRuleTaskParser.get_decision_ref(node) or node.get(f"{{{CAMUNDA_NS}}}decisionRef")


class ExternalServiceTask(ServiceTask):
    """A service task done by an outside worker. `operation_name` is its topic."""

    def _execute(self, task):
        # Input: the operator's parameters evaluated now (Spiff style), else the whole task data.
        params = {name: value["value"] for name, value in self.evaluate_params(task).items()}
        task.internal_data[INPUT_KEY] = params if self.operation_params else None
        return None  # None: the task stays STARTED until a worker completes it


class _ExternalTaskParser(ServiceTaskParser):
    def create_task(self):
        extensions = self.parse_extensions()
        operator = extensions.get("serviceTaskOperator") or {}
        topic = (self.node.get(f"{{{CAMUNDA_NS}}}topic") or operator.get("name") or "").strip()
        # No topic: validation reports it (engine/validation/foreign.py); such a file is never deployed.
        return self.spec_class(
            self.spec, self.bpmn_id, operation_name=topic or None,
            operation_params=operator.get("parameters") or {}, result_variable=operator.get("resultVariable"),
            retries=operator.get("retries"), retry_backoff_base=operator.get("retryBackoffBase"),
            prescript=extensions.get("preScript"), postscript=extensions.get("postScript"),
            **self.bpmn_attributes)


class TrajectBpmnParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("businessRuleTask"): (_DecisionRefParser, BusinessRuleTask),
        full_tag("serviceTask"): (_ExternalTaskParser, ExternalServiceTask),
    }
