"""`SchemaForm`: a form generated from a JSON Schema and an RJSF uiSchema.

    form = SchemaForm(schema, ui_schema, data)
    ...
    def on_schema_form_submitted(self, event: SchemaForm.Submitted) -> None:
        # event.data holds typed values; send it to the engine, then on FormInvalid:
        event.form.show_errors(error.errors)

ctrl+s posts `Submitted` once the local type checks pass (numbers parse, dates are JJJJ-MM-DD); the
full JSON Schema check is the engine's, whose (path, message) pairs go to `show_errors`. Errors appear
under their field, the first failing field gets focus, and what the user typed is kept.
"""
from __future__ import annotations

import copy
import re
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.i18n import t
from tui.widgets import form_model as fm
from tui.widgets.form_fields import MISSING, FieldBox, Fieldset, FieldValueError

FORM_LEVEL_PATHS = ("", "(form)")


class FormValueError(ValueError):
    """`get_data()` found values that do not fit their field's type; they are shown in the form."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("\n".join(f"{path}: {message}" for path, message in errors))
        self.errors = errors


class SchemaForm(Widget):
    """A scrolling form for one JSON Schema object. Attributes down (schema, data), messages up."""

    DEFAULT_CSS = """
    SchemaForm { height: 1fr; }
    SchemaForm > .sf-scroll { height: 1fr; padding: 0 1; }
    SchemaForm .sf-field { height: auto; margin-bottom: 1; }
    SchemaForm .sf-label { text-style: bold; }
    SchemaForm .sf-help { color: $text-muted; }
    SchemaForm .sf-error, SchemaForm #sf-form-errors { color: $text-error; text-style: bold; display: none; }
    SchemaForm .-has-error > .sf-error, SchemaForm #sf-form-errors.-has-error { display: block; }
    SchemaForm .sf-field.-has-error > Input,
    SchemaForm .sf-field.-has-error > TextArea,
    SchemaForm .sf-field.-has-error > RadioSet,
    SchemaForm .sf-field.-has-error > SelectionList { border: tall $error; }
    SchemaForm .sf-field.-has-error > Select > SelectCurrent { border: tall $error; }
    SchemaForm .sf-field.-has-error > Checkbox { border: tall $error; }
    SchemaForm #sf-form-errors { margin-bottom: 1; }
    SchemaForm .sf-fieldset {
        height: auto; border: round $primary; border-title-style: bold; padding: 0 1; margin-bottom: 1;
    }
    SchemaForm .sf-fieldset.-has-error { border: round $error; }
    SchemaForm .sf-field > Checkbox { width: 100%; }
    SchemaForm TextArea { height: 6; }
    SchemaForm SelectionList { height: auto; max-height: 12; }
    SchemaForm RadioSet { width: 100%; }
    /* Out of focus, a highlighted option reads as a chosen one; only the marks should say that. */
    SchemaForm RadioSet:blur > RadioButton.-selected > .toggle--label { background: transparent; }
    SchemaForm SelectionList:blur > .option-list--option-highlighted {
        background: transparent; color: $foreground; text-style: none;
    }
    SchemaForm .sf-unsupported { color: $text-muted; }
    SchemaForm .sf-legend { color: $text-muted; }
    SchemaForm .sf-intro { margin-bottom: 1; }
    """

    class Submitted(Message):
        """ctrl+s on a form whose values have the right types; `data` as `get_data()` returns it."""

        def __init__(self, form: SchemaForm, data: dict) -> None:
            super().__init__()
            self.form = form
            self.data = data

        @property
        def control(self) -> SchemaForm:
            """The form, so handlers can filter with `@on(SchemaForm.Submitted, "#id")`."""
            return self.form

    def __init__(
        self,
        schema: dict,
        ui_schema: dict | None = None,
        data: dict | None = None,
        *,
        autofocus: bool = True,
        submit_label: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.schema = schema
        self.ui_schema = ui_schema or {}
        self.initial_data = copy.deepcopy(data or {})
        self.fields = fm.build_fields(schema, ui_schema)
        self.autofocus = autofocus
        self._boxes: dict[str, FieldBox | Fieldset] = {}  # dotted path -> box, in form order
        self._ids: set[str] = set()
        # BINDINGS would fix the footer text at import time; built here it follows set_language().
        self._bindings = BindingsMap([Binding("ctrl+s", "submit", submit_label or t("action.save"), show=True)])

    # ----------------------------------------------------------------------------------- building
    def compose(self):
        with VerticalScroll(classes="sf-scroll"):
            yield Static("", id="sf-form-errors")
            # The form's title is the screen's to show; its description reads as instructions.
            intro = fm.ui_option(self.ui_schema, "description") or self.schema.get("description")
            if intro:
                yield Static(Content(str(intro)), classes="sf-help sf-intro")
            if not any(not spec.hidden for spec in self.fields):
                yield Static(t("form.no_fields"), classes="sf-help")
            yield from self._compose_fields(self.fields, self.initial_data)
            if any(spec.required for top in self.fields for spec in top.walk() if not spec.hidden):
                yield Static(t("form.required_legend"), classes="sf-legend")

    def _compose_fields(self, specs: list[fm.FieldSpec], data: Any):
        for spec in specs:
            if spec.hidden:
                continue
            value = data.get(spec.name, spec.default) if isinstance(data, dict) else spec.default
            if spec.kind == fm.OBJECT:
                box: FieldBox | Fieldset = Fieldset(spec)
                self._boxes[spec.dotted] = box
                with box:
                    yield from box.header()
                    yield from self._compose_fields(spec.children, value if isinstance(value, dict) else {})
            else:
                box = FieldBox(spec, value, self._control_id(spec.path))
                self._boxes[spec.dotted] = box
                yield box

    def _control_id(self, path: tuple[str, ...]) -> str:
        """A readable, unique DOM id: ("adres", "straat") -> "field-adres__straat"."""
        base = "field-" + re.sub(r"[^A-Za-z0-9_-]", "_", "__".join(path))
        control_id, n = base, 1
        while control_id in self._ids:
            n += 1
            control_id = f"{base}-{n}"
        self._ids.add(control_id)
        return control_id

    def on_mount(self) -> None:
        self._pristine = self.draft_data()
        if self.autofocus:
            self.focus_first()

    def draft_data(self) -> dict:
        """The values as they stand, without checking or showing errors: what a draft keeps. A value
        that does not fit its type yet (half a date) is left out."""
        return self._collect(self.fields, self.initial_data)[0]

    @property
    def changed(self) -> bool:
        """Whether the user changed anything since the form was built."""
        return self.draft_data() != getattr(self, "_pristine", None)

    # ------------------------------------------------------------------------------------ public
    def field_widget(self, path: str) -> Widget:
        """The input control of the field at dotted `path` (the fieldset for a nested object)."""
        box = self._boxes[path]
        return box.control if isinstance(box, FieldBox) else box

    def focus_first(self) -> None:
        target = next((box.focus_target() for box in self._boxes.values() if box.focus_target()), None)
        if target is not None:
            target.focus()

    def get_data(self) -> dict:
        """The form's values, typed by the schema.

        Integers and numbers are parsed, booleans are bools, multi-selects are lists in option order;
        empty text, number and choice fields are left out (so "required" reports them), a nested
        object is left out when it is empty and optional. Hidden and unsupported fields keep their
        initial value. Raises FormValueError, after showing the errors inline, when a value does not
        fit its type.
        """
        data, errors = self._collect(self.fields, self.initial_data)
        if errors:
            self.show_errors(errors)
            raise FormValueError(errors)
        return data

    def validate_local(self) -> list[tuple[str, str]]:
        """Check the value types only (no JSON Schema); show and return the (path, message) pairs."""
        _, errors = self._collect(self.fields, self.initial_data)
        if errors:
            self.show_errors(errors)
        else:
            self.clear_errors()
        return errors

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        """Show each message under the field at its dotted path and focus the first failing field.

        "" or "(form)" is a form-level error, shown at the top; so is a path that matches no visible
        field. A deeper path ("beschikbaarheid.0") lands on the closest field that exists.
        """
        self.clear_errors()
        per_box: dict[str, list[str]] = {}
        form_level: list[str] = []
        for path, message in errors:
            key = self._box_key(path)
            if key is None:
                form_level.append(message if _dotted(path) in FORM_LEVEL_PATHS else f"{self._label(path)}: {message}")
            else:
                per_box.setdefault(key, []).append(message)
        for key, messages in per_box.items():
            self._boxes[key].set_error("\n".join(dict.fromkeys(messages)))
        if form_level:
            summary = self.query_one("#sf-form-errors", Static)
            summary.update(Content("\n".join([t("form.errors_heading"), *dict.fromkeys(form_level)])))
            summary.add_class("-has-error")
        first = next((box for key, box in self._boxes.items() if key in per_box), None)
        if first is not None:
            self._reveal(first)
        elif form_level:
            self.query_one(".sf-scroll", VerticalScroll).scroll_home(animate=False)

    def clear_errors(self) -> None:
        for box in self._boxes.values():
            box.set_error(None)
        summary = self.query_one("#sf-form-errors", Static)
        summary.update("")
        summary.remove_class("-has-error")

    # ----------------------------------------------------------------------------------- actions
    def action_submit(self) -> None:
        try:
            data = self.get_data()
        except FormValueError:
            return
        self.clear_errors()
        self.post_message(self.Submitted(self, data))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on to the next field; saving is an explicit ctrl+s.
        event.stop()
        self.screen.focus_next()

    # ---------------------------------------------------------------------------------- internals
    def _collect(self, specs: list[fm.FieldSpec], initial: Any) -> tuple[dict, list[tuple[str, str]]]:
        data: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        initial = initial if isinstance(initial, dict) else {}
        for spec in specs:
            if spec.hidden:
                value = initial.get(spec.name, spec.default)
                if value is not None:
                    data[spec.name] = copy.deepcopy(value)
            elif spec.kind == fm.OBJECT:
                nested, nested_errors = self._collect(spec.children, initial.get(spec.name))
                errors += nested_errors
                if nested or spec.required:
                    data[spec.name] = nested
            else:
                try:
                    value = self._boxes[spec.dotted].read()
                except FieldValueError as error:
                    errors.append((spec.dotted, str(error)))
                    continue
                if value is not MISSING:
                    data[spec.name] = copy.deepcopy(value)
        return data, errors

    def _box_key(self, path: Any) -> str | None:
        parts = _dotted(path).split(".")
        for end in range(len(parts), 0, -1):
            key = ".".join(parts[:end])
            if key in self._boxes:
                return key
        return None

    def _label(self, path: Any) -> str:
        """A readable name for a path without a visible field (a hidden field's title, else the path)."""
        dotted = _dotted(path)
        spec = next((s for top in self.fields for s in top.walk() if s.dotted == dotted), None)
        return spec.label if spec else dotted

    def _reveal(self, box: FieldBox | Fieldset) -> None:
        target = box.focus_target()
        if target is not None:
            target.focus(scroll_visible=False)
        # After the error line is laid out, so the message under the field is in view too.
        self.call_after_refresh(box.scroll_visible, animate=False)


def _dotted(path: Any) -> str:
    if path is None:
        return ""
    if isinstance(path, (list, tuple)):
        return ".".join(str(part) for part in path)
    return str(path)
