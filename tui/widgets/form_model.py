"""Turn a JSON Schema plus an RJSF uiSchema into a tree of field specs.

Pure data, no Textual: the widget layer (`form_fields`) decides how each kind is drawn. Keeping the
schema reading here means it can be tested without an app and reused by a later read-only dossier view.

Conditional parts of a schema (`if/then/else`, `dependentSchemas`, RJSF-style `dependencies`, and
`allOf`/`oneOf`/`anyOf` branches with `properties`) are flattened: every property they define is shown
all the time, marked `conditional`, and the engine's JSON Schema validation decides whether a value is
needed. Only the base `required` list (and `allOf` members') earns the " *" marker.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.i18n import t
from tui.numbers import format_number

# Field kinds the widget layer knows how to draw.
TEXT, TEXTAREA, PASSWORD, DATE = "text", "textarea", "password", "date"
INTEGER, NUMBER, BOOLEAN = "integer", "number", "boolean"
SELECT, RADIO, MULTI = "select", "radio", "multi"
OBJECT, UNSUPPORTED = "object", "unsupported"

_MAX_REF_DEPTH = 20
# A recursive schema ($ref to itself) would nest fieldsets forever; deeper objects are shown as unsupported.
_MAX_NESTING = 6


@dataclass
class FieldSpec:
    """One form field (or fieldset, for kind OBJECT) derived from a property schema."""

    path: tuple[str, ...]
    kind: str
    label: str
    schema: dict
    required: bool = False
    conditional: bool = False
    readonly: bool = False
    hidden: bool = False
    help: tuple[str, ...] = ()
    placeholder: str = ""
    default: Any = None
    options: tuple[tuple[Any, str], ...] = ()
    thousands: bool = False
    """A number field whose uiSchema says `ui:options: {"thousands": true}`: '1.000,5' is 1000.5."""
    children: list[FieldSpec] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def walk(self):
        """This spec and all nested specs, depth first in form order."""
        yield self
        for child in self.children:
            yield from child.walk()


def build_fields(schema: dict, ui_schema: dict | None = None) -> list[FieldSpec]:
    """The top-level fields of an object schema, in display order."""
    return _object_fields(schema or {}, ui_schema or {}, (), root=schema or {}, readonly=False)


def ui_option(ui: dict, key: str, default: Any = None) -> Any:
    """An RJSF ui setting, given either as `ui:key` or inside `ui:options`."""
    if f"ui:{key}" in ui:
        return ui[f"ui:{key}"]
    options = ui.get("ui:options")
    if isinstance(options, dict) and key in options:
        return options[key]
    return default


def resolve(schema: Any, root: dict, depth: int = 0) -> dict:
    """Follow local `$ref`s ("#/$defs/x"); sibling keywords override the referenced ones."""
    if not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#") or depth > _MAX_REF_DEPTH:
        return schema
    target: Any = root
    for part in (p for p in ref[1:].split("/") if p):
        part = part.replace("~1", "/").replace("~0", "~")
        target = target.get(part, {}) if isinstance(target, dict) else {}
    return {**resolve(target, root, depth + 1), **{k: v for k, v in schema.items() if k != "$ref"}}


def schema_type(schema: dict) -> str | None:
    """The main type of a property schema; `["string", "null"]` counts as string."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((name for name in declared if name != "null"), None)
    if declared:
        return declared
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    values = [v for v in schema.get("enum", []) if v is not None]
    values += [s.get("const") for s in _choice_branches(schema)]
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    return "string" if values else None


def choice_options(schema: dict, ui: dict) -> tuple[tuple[Any, str], ...]:
    """(value, title) pairs from `enum` (+ `ui:enumNames`) or `oneOf`/`anyOf` of `const`s."""
    if "enum" in schema:
        names = ui_option(ui, "enumNames") or []
        values = [v for v in schema["enum"] if v is not None]
        return tuple((v, str(names[i]) if i < len(names) else str(v)) for i, v in enumerate(values))
    return tuple((s["const"], str(s.get("title", s["const"]))) for s in _choice_branches(schema))


def _choice_branches(schema: dict) -> list[dict]:
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches and all(
            isinstance(b, dict) and "const" in b for b in branches
        ):
            return branches
    return []


def _object_fields(schema: dict, ui: dict, path: tuple[str, ...], root: dict, readonly: bool) -> list[FieldSpec]:
    schema = resolve(schema, root)
    properties, required, conditional = _collect_properties(schema, root)
    fields = []
    for name in _ordered(list(properties), ui_option(ui, "order")):
        child_ui = ui.get(name) if isinstance(ui.get(name), dict) else {}
        spec = _field(name, resolve(properties[name], root), child_ui, path + (name,), root, readonly)
        spec.required = name in required
        spec.conditional = name in conditional
        fields.append(spec)
    return fields


def _collect_properties(schema: dict, root: dict) -> tuple[dict[str, dict], set[str], set[str]]:
    """Properties of an object schema, including those only defined in conditional branches."""
    properties = dict(schema.get("properties") or {})
    required = set(schema.get("required") or [])
    for member in schema.get("allOf") or []:
        member_props, member_required, _ = _collect_properties(resolve(member, root), root)
        for name, sub in member_props.items():
            properties.setdefault(name, sub)
        required |= member_required
    conditional: set[str] = set()
    for branch in _conditional_branches(schema, root):
        branch_props, _, _ = _collect_properties(branch, root)
        for name, sub in branch_props.items():
            if name not in properties:
                properties[name] = sub
                conditional.add(name)
    return properties, required, conditional


def _conditional_branches(schema: dict, root: dict) -> list[dict]:
    branches = [schema.get("then"), schema.get("else")]
    for key in ("dependentSchemas", "dependencies"):
        value = schema.get(key)
        if isinstance(value, dict):
            branches += [v for v in value.values() if isinstance(v, dict)]
    for key in ("oneOf", "anyOf"):
        branches += [b for b in schema.get(key) or [] if isinstance(b, dict)]
    # RJSF's dependency pattern nests branches one level down (dependencies.x.oneOf[...]); the caller's
    # recursion through _collect_properties picks those up.
    return [resolved for resolved in (resolve(b, root) for b in branches) if resolved]


def _ordered(names: list[str], order: Any) -> list[str]:
    """Apply `ui:order`; "*" stands for the rest, names missing from the list come last."""
    if not isinstance(order, list):
        return names
    listed = [n for n in order if n == "*" or n in names]
    rest = [n for n in names if n not in listed]
    if "*" not in listed:
        listed.append("*")
    result: list[str] = []
    for name in listed:
        result.extend(rest if name == "*" else [name])
    return result


def _field(name: str, schema: dict, ui: dict, path: tuple[str, ...], root: dict, readonly: bool) -> FieldSpec:
    widget = ui_option(ui, "widget")
    readonly = readonly or bool(schema.get("readOnly") or ui_option(ui, "readonly") or ui_option(ui, "disabled"))
    spec = FieldSpec(
        path=path,
        kind=_kind(schema, ui, widget, len(path)),
        label=str(ui_option(ui, "title") or schema.get("title") or name),
        schema=schema,
        readonly=readonly,
        hidden=widget == "hidden" or bool(ui_option(ui, "hidden")),
        default=schema.get("default"),
        placeholder=str(ui_option(ui, "placeholder") or ""),
        thousands=bool(ui_option(ui, "thousands")),
    )
    if spec.kind == DATE and not spec.placeholder:
        spec.placeholder = t("form.date_placeholder")
    if spec.kind == NUMBER and not spec.placeholder:
        spec.placeholder = t("form.number_placeholder")  # shows that a decimal comma is fine
    if spec.kind in (SELECT, RADIO):
        spec.options = _boolean_options() if schema_type(schema) == "boolean" and not _has_choices(schema) \
            else choice_options(schema, ui)
    elif spec.kind == MULTI:
        items_ui = ui.get("items") if isinstance(ui.get("items"), dict) else {}
        spec.options = choice_options(resolve(schema.get("items"), root), {**ui, **items_ui})
    elif spec.kind == OBJECT:
        spec.children = _object_fields(schema, ui, path, root, readonly)
    spec.help = _help_lines(schema, ui, spec.kind)
    return spec


def _has_choices(schema: dict) -> bool:
    return "enum" in schema or bool(_choice_branches(schema))


def _boolean_options() -> tuple[tuple[Any, str], ...]:
    return ((True, t("action.yes")), (False, t("action.no")))


def _kind(schema: dict, ui: dict, widget: Any, depth: int) -> str:
    kind = schema_type(schema)
    if kind == "object":
        return OBJECT if depth <= _MAX_NESTING else UNSUPPORTED
    if kind == "array":
        items = schema.get("items")
        return MULTI if isinstance(items, dict) and _has_choices(items) else UNSUPPORTED
    if kind == "boolean":
        return {"radio": RADIO, "select": SELECT}.get(widget, BOOLEAN)
    if _has_choices(schema):
        return RADIO if widget == "radio" else SELECT
    if kind in (INTEGER, NUMBER):
        return kind
    if kind == "string":
        if schema.get("format") == "date" or widget == "date":
            return DATE
        return {"textarea": TEXTAREA, "password": PASSWORD}.get(widget, TEXT)
    return UNSUPPORTED


def _help_lines(schema: dict, ui: dict, kind: str) -> tuple[str, ...]:
    lines = [ui_option(ui, "description") or schema.get("description"), ui_option(ui, "help")]
    if kind in (INTEGER, NUMBER):
        low, high = schema.get("minimum"), schema.get("maximum")
        low, high = (None if v is None else format_number(v) for v in (low, high))
        if low is not None and high is not None:
            lines.append(t("form.bounds", minimum=low, maximum=high))
        elif low is not None:
            lines.append(t("form.bounds_min", minimum=low))
        elif high is not None:
            lines.append(t("form.bounds_max", maximum=high))
    if kind == DATE:
        lines.append(t("form.date_hint"))
    if kind == UNSUPPORTED:
        lines.append(t("form.unsupported"))
    return tuple(str(line) for line in lines if line)
