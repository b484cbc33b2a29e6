"""The BPMN parser Traject uses everywhere (deploy and validate): SpiffWorkflow's, made a little wider.

SpiffBpmnParser reads a business rule task's decision only from spiffworkflow:calledDecisionId. Files
drawn in Camunda Modeler name it with the camunda:decisionRef attribute; we accept both, so a
designer's file works whichever modeler drew it.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


class _DecisionRefParser(BusinessRuleTaskParser):
    @staticmethod
    def get_decision_ref(node):
        return BusinessRuleTaskParser.get_decision_ref(node) or node.get(f"{{{CAMUNDA_NS}}}decisionRef")


class TrajectBpmnParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("businessRuleTask"): (_DecisionRefParser, BusinessRuleTask),
    }
