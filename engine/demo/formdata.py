"""Random data that a JSON Schema (draft 2020-12) accepts: for demo cases and robustness tests.

Generates a candidate from the schema's properties, then repairs it from the validator's own errors
(missing required fields from if/then, fields a `not` forbids, consts), so conditional forms work.
"""
from __future__ import annotations

import random
import re
from datetime import date, timedelta

from jsonschema import Draft202012Validator

from .people import make_bsn

WORDS = ("gesprek", "afspraak", "verslag", "notitie", "planning", "overleg", "voortgang", "tolk", "groep")


class FormDataGenerator:
    def __init__(self, rng: random.Random, today: date, optional_share: float = 0.7):
        self.rng = rng
        self.today = today
        self.optional_share = optional_share

    def generate(self, schema: dict, fixed: dict | None = None) -> dict:
        """A dict valid for `schema`; `fixed` values (e.g. a person's name) are kept where they fit."""
        data = self.value(schema, "") if schema else {}
        data = data if isinstance(data, dict) else {}
        for key, value in (fixed or {}).items():
            if key in schema.get("properties", {}):
                data[key] = value
        return self._repair(schema, data)

    def _repair(self, schema: dict, data: dict, rounds: int = 25) -> dict:
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        props = schema.get("properties", {})
        for _ in range(rounds):
            errors = list(validator.iter_errors(data))
            if not errors:
                return data
            for error in errors:
                self._fix(error, data, props)
        raise ValueError(f"could not generate valid data for schema '{schema.get('title', '?')}'")

    def _fix(self, error, data: dict, props: dict) -> None:
        path = list(error.absolute_path)
        name = path[0] if path else None
        if error.validator == "required" and not path:
            missing = error.message.split("'")[1]
            data[missing] = self.value(props.get(missing, {"type": "string"}), missing)
        elif error.validator == "not" and not path:
            for key in error.validator_value.get("required", []):
                data.pop(key, None)
        elif error.validator == "additionalProperties" and not path:
            for key in [k for k in data if k not in props]:
                data.pop(key)
        elif name in data and name in props:
            data[name] = self.value(props[name], name)
        elif name is not None:
            data.pop(name, None)

    def value(self, schema: dict, name: str):  # noqa: C901 - one branch per JSON type reads best
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        if "oneOf" in schema and all("const" in s for s in schema["oneOf"]):
            return self.rng.choice(schema["oneOf"])["const"]
        kind = schema.get("type", "string")
        kind = self.rng.choice(kind) if isinstance(kind, list) else kind
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            return self._array(schema, name)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1 if "exclusiveMinimum" in schema else 0)
            high = schema.get("maximum", low + 20)
            number = self.rng.randint(int(low), int(high))
            return number if kind == "integer" else float(number)
        if kind == "null":
            return None
        return self._string(schema, name)

    def _object(self, schema: dict) -> dict:
        required = set(schema.get("required", []))
        return {
            key: self.value(sub, key) for key, sub in schema.get("properties", {}).items()
            if key in required or self.rng.random() < self.optional_share
        }

    def _array(self, schema: dict, name: str) -> list:
        items = schema.get("items", {"type": "string"})
        low, high = schema.get("minItems", 0), schema.get("maxItems", 3)
        choices = items.get("enum")
        if choices:
            count = self.rng.randint(max(low, 1 if low else 0), min(high, len(choices)) or 1)
            return self.rng.sample(choices, min(count, len(choices)))
        return [self.value(items, name) for _ in range(self.rng.randint(low, max(low, min(high, 2))))]

    def _string(self, schema: dict, name: str) -> str:
        fmt = schema.get("format")
        if fmt == "date" and "einde" in name:  # the end of a term (DUO's inburgeringstermijn) lies ahead
            return (self.today + timedelta(days=self.rng.randint(180, 900))).isoformat()
        if fmt == "date":
            return (self.today - timedelta(days=self.rng.randint(0, 200))).isoformat()
        if fmt == "date-time":
            return f"{self.today.isoformat()}T10:00:00+01:00"
        if fmt == "email":
            return f"demo{self.rng.randint(1, 999)}@example.org"
        if fmt == "vnummer":  # ten digits, drawn as the old pattern did: the same seed gives the same demo
            return "".join(str(self.rng.randint(0, 9)) for _ in range(9)) + str(self.rng.randint(1, 9))
        pattern = schema.get("pattern")
        if name == "bsn" or fmt == "bsn" or pattern in (r"^[0-9]{9}$", r"^\d{9}$"):
            return make_bsn(self.rng)
        if pattern:
            return self._from_pattern(pattern)
        text = " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 4)))
        low, high = schema.get("minLength", 0), schema.get("maxLength", 200)
        return text.ljust(low, "x")[:high]

    def _from_pattern(self, pattern: str) -> str:
        """Common simple patterns only (digits, a Dutch postcode); otherwise try words."""
        if re.fullmatch(r"\^?\[0-9\]\{(\d+)\}\$?|\^?\\d\{(\d+)\}\$?", pattern):
            count = int(re.findall(r"\d+", pattern)[-1])
            return "".join(str(self.rng.randint(0, 9)) for _ in range(count))
        for candidate in ("1234 AB", "1234AB", "GM0363", "V123456789", "demo"):
            if re.search(pattern, candidate):
                return candidate
        return "demo"
