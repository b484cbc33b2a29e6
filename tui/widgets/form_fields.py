"""Textual widgets for single form fields: a control per field kind, and reading typed values back.

`FieldBox` holds one field (label, control, help, error line); `Fieldset` groups a nested object.
User-supplied text (titles, enum names, help) is wrapped in `Content` so a "[" in a title is never
read as markup.
"""
from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from tui.format import parse_day
from tui.i18n import t
from tui.numbers import ALLOWED_CHARS, NumberTextError, format_number, parse_number
from tui.widgets import form_model as fm

MISSING: Any = object()
"""Returned by `FieldBox.read()` for an empty field: the key is left out of the form data."""



class FieldValueError(ValueError):
    """A value the user typed cannot be turned into the field's type; str(self) is the message."""


def label_text(spec: fm.FieldSpec) -> Content:
    return Content(spec.label + (t("form.required_marker") if spec.required else ""))


def same_value(a: Any, b: Any) -> bool:
    """Equality that keeps True apart from 1 (enum values may mix them)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


class FieldBox(Vertical):
    """One field: label, control, help text and an (initially hidden) error line."""

    def __init__(self, spec: fm.FieldSpec, value: Any, control_id: str) -> None:
        super().__init__(classes=f"sf-field sf-{spec.kind}")
        self.spec = spec
        self.value_at_start = value
        self.control = make_control(spec, value, control_id)

    def compose(self):
        if self.spec.kind != fm.BOOLEAN:  # a checkbox carries its own label
            yield Label(label_text(self.spec), classes="sf-label")
        yield self.control
        if self.spec.help:
            yield Static(Content("\n".join(self.spec.help)), classes="sf-help")
        yield Static("", classes="sf-error")

    def set_error(self, message: str | None) -> None:
        self.query_one(".sf-error", Static).update(Content(message or ""))
        self.set_class(bool(message), "-has-error")

    @property
    def has_error(self) -> bool:
        return self.has_class("-has-error")

    def focus_target(self) -> Widget | None:
        return self.control if self.control.focusable else None

    def read(self) -> Any:
        """The typed value, MISSING when empty; raises FieldValueError for text of the wrong type."""
        return read_value(self.spec, self.control, self.value_at_start)

    # A user editing a field that shows an error is fixing it: hide the stale message.
    def _clear_stale_error(self) -> None:
        if self.has_error:
            self.set_error(None)

    def on_input_changed(self) -> None:
        self._clear_stale_error()

    def on_text_area_changed(self) -> None:
        self._clear_stale_error()

    def on_checkbox_changed(self) -> None:
        self._clear_stale_error()

    def on_select_changed(self) -> None:
        self._clear_stale_error()

    def on_radio_set_changed(self) -> None:
        self._clear_stale_error()

    def on_selection_list_selected_changed(self) -> None:
        self._clear_stale_error()


class Fieldset(Vertical):
    """A nested object: a bordered group titled with the object's label, holding its own fields.

    The form composes the children (`with fieldset:`), starting with `header()`; a `compose()` here
    would put its widgets after those children.
    """

    def __init__(self, spec: fm.FieldSpec) -> None:
        super().__init__(classes=f"sf-fieldset sf-{spec.kind}")
        self.spec = spec
        self.border_title = label_text(spec)

    def header(self) -> list[Widget]:
        help_lines = [Static(Content("\n".join(self.spec.help)), classes="sf-help")] if self.spec.help else []
        return [*help_lines, Static("", classes="sf-error")]

    def set_error(self, message: str | None) -> None:
        self.query_one(".sf-error", Static).update(Content(message or ""))
        self.set_class(bool(message), "-has-error")

    def focus_target(self) -> Widget | None:
        return next((w for w in self.query("*") if w.focusable), None)


def make_control(spec: fm.FieldSpec, value: Any, control_id: str) -> Widget:
    """The input widget for a leaf field, prefilled with `value` (None: empty)."""
    kind, common = spec.kind, {"id": control_id, "disabled": spec.readonly}
    if kind in (fm.TEXT, fm.PASSWORD, fm.DATE, fm.INTEGER, fm.NUMBER):
        is_number = kind in (fm.INTEGER, fm.NUMBER)
        # Not Textual's type="number"/"integer": those drop a typed comma, so "0,5" became 5.
        return Input(
            "" if value is None else format_number(value) if is_number else str(value),
            placeholder=spec.placeholder,
            restrict=ALLOWED_CHARS if is_number else None,
            password=kind == fm.PASSWORD,
            max_length=spec.schema.get("maxLength") or 0,
            valid_empty=True,  # emptiness is for "required" to judge, not the type check
            **common,
        )
    if kind == fm.TEXTAREA:
        return TextArea("" if value is None else str(value), soft_wrap=True, tab_behavior="focus", **common)
    if kind == fm.BOOLEAN:
        return Checkbox(label_text(spec), value=bool(value), **common)
    if kind in (fm.SELECT, fm.RADIO, fm.MULTI):
        return _choice_control(spec, value, common)
    # Unsupported: show the current value read-only; the form passes it through unchanged.
    return Static(Content("" if value is None else repr(value)), id=control_id, classes="sf-unsupported")


def _choice_control(spec: fm.FieldSpec, value: Any, common: dict) -> Widget:
    # Controls hold option indexes, not values: values may be unhashable or mix 1 and True.
    if spec.kind == fm.MULTI:
        chosen = value if isinstance(value, list) else []
        return SelectionList[int](
            *(
                Selection(Content(title), index, any(same_value(option, v) for v in chosen))
                for index, (option, title) in enumerate(spec.options)
            ),
            **common,
        )
    selected = _option_index(spec, value)
    if spec.kind == fm.RADIO:
        buttons = [RadioButton(Content(title), value=i == selected) for i, (_, title) in enumerate(spec.options)]
        return RadioSet(*buttons, **common)
    options = [(Content(title), index) for index, (_, title) in enumerate(spec.options)]
    return Select(options, prompt=t("form.select_prompt"), value=Select.NULL if selected is None else selected,
                  **common)


def _option_index(spec: fm.FieldSpec, value: Any) -> int | None:
    return next((i for i, (option, _) in enumerate(spec.options) if same_value(option, value)), None)


def read_value(spec: fm.FieldSpec, control: Widget, value_at_start: Any) -> Any:
    if isinstance(control, Input):
        return _parse_text(spec, control.value.strip())
    if isinstance(control, TextArea):
        return control.text if control.text.strip() else MISSING
    if isinstance(control, Checkbox):
        return control.value
    if isinstance(control, Select):
        selected = control.value
        return MISSING if selected is Select.NULL else spec.options[selected][0]
    if isinstance(control, RadioSet):
        index = control.pressed_index
        return MISSING if index < 0 else spec.options[index][0]
    if isinstance(control, SelectionList):
        chosen = set(control.selected)
        return [option for index, (option, _) in enumerate(spec.options) if index in chosen]
    return MISSING if value_at_start is None else value_at_start


def _parse_text(spec: fm.FieldSpec, text: str) -> Any:
    kind = spec.kind
    if not text:
        return MISSING
    if kind in (fm.INTEGER, fm.NUMBER):
        try:
            return parse_number(text, integer=kind == fm.INTEGER, thousands=spec.thousands)
        except NumberTextError as error:
            raise FieldValueError(t(error.key, **error.params)) from None
    if kind == fm.DATE:  # typed as 2026-11-15 or 15-11-2026; stored as JSON Schema's ISO date
        day = parse_day(text)
        if day is None:
            raise FieldValueError(t("err.date"))
        return day.isoformat()
    return text
