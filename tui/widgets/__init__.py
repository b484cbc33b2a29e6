"""Reusable widgets for the Traject terminal app."""
from tui.widgets.form_errors import errors_from_jsonschema
from tui.widgets.schema_form import FormValueError, SchemaForm

__all__ = ["FormValueError", "SchemaForm", "errors_from_jsonschema"]
