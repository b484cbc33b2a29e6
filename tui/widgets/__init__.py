"""Reusable widgets for the Traject terminal app.

Exports resolve lazily (PEP 562): the worklist needs none of the form machinery, and importing it
(jsonschema and its format checkers) costs about 0.1 s of every start-up.
"""
from importlib import import_module

_EXPORTS = {
    "FormValueError": "schema_form", "SchemaForm": "schema_form",
    "errors_from_jsonschema": "form_errors", "localize_errors": "form_errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.widgets' has no attribute '{name}'")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
