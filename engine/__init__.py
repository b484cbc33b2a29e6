"""Traject's headless engine. The terminal app and the CLI use only what this module exports.

Exports resolve lazily (PEP 562): `import engine` stays cheap, so a CLI command only pays for
SQLAlchemy and SpiffWorkflow when it really uses them.
"""
from importlib import import_module

_EXPORTS = {
    "Engine": "service", "build_engine": "service",
    "Settings": "settings", "TaskFilter": "worklist",
    "EngineError": "errors", "InvalidInput": "errors", "NotFound": "errors", "FormInvalid": "errors",
    "Conflict": "errors", "DefinitionInvalid": "errors", "ScriptError": "errors",
    "CaseDetail": "views", "CaseSummary": "views", "CompletionResult": "views", "DeployResult": "views",
    "FormSpec": "views", "HistoryEntry": "views", "Incident": "views", "ProcessInfo": "views",
    "UserInfo": "views", "WorkItem": "views", "FormDraft": "views", "IncidentInfo": "views", "FieldLabel": "views",
    "identifier_formats": "identifiers",  # registers the bsn and vnummer form formats
    "WorklistFilter": "views",
    "CaseVerification": "audit.views", "ReplayReport": "audit.views", "ReplayStep": "audit.views",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
