"""Restricted fields (AVG art. 9, special categories such as health): encrypted at rest, shown to the
roles the policy names, never exported, every read logged.

A form marks a field with `"x-traject-restricted": "medisch"` (the category). Its value is sealed as
soon as the engine accepts the form, before it reaches the workflow, the event payload or a draft: it is
stored as `enc:v1:<Fernet token>`, so the database file (SQLite, a dump, a backup) holds no readable
value. Fernet (cryptography: AES-128-CBC with HMAC-SHA256, authenticated) because it is the maintained,
misuse-resistant recipe of a library that is well kept; the key is one per installation, in a file
outside the database (settings: TRAJECT_KEY_FILE; default next to a SQLite file), made on first use
with mode 0600. The token is what the history records and replays, so the audit chain and the replay
never need the key. Keep the key file with the installation's secrets: without it the sealed values
cannot be read by anyone.

Scripts and conditions see the sealed value only: model routing on a choice field that is not restricted
(e.g. `reden_niet_voldaan`), and keep the special category itself out of scripts.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import InvalidInput

KEYWORD = "x-traject-restricted"
PREFIX = "enc:v1:"
HIDDEN = "[afgeschermd]"


def restricted_fields(schema: dict | None) -> dict[str, str]:
    """{field: category} of a form's top-level properties."""
    props = (schema or {}).get("properties") if isinstance(schema, dict) else None
    return {name: str(spec[KEYWORD]) for name, spec in (props or {}).items()
            if isinstance(spec, dict) and spec.get(KEYWORD)}


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class Vault:
    """The installation's key, read (or made) on first use."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fernet = None

    def _key(self):
        if self._fernet is None:
            from cryptography.fernet import Fernet

            self._fernet = Fernet(self._read_or_create(Fernet))
        return self._fernet

    def _read_or_create(self, fernet_class) -> bytes:
        try:
            return self.path.read_bytes().strip()
        except FileNotFoundError:
            pass
        except OSError as err:
            raise InvalidInput(f"TRAJECT_KEY_FILE: cannot read {self.path}: {err.strerror or err}") from None
        key = fernet_class.generate_key()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never world-readable
        except FileExistsError:  # another process made it just now
            return self.path.read_bytes().strip()
        except OSError as err:
            raise InvalidInput(f"TRAJECT_KEY_FILE: cannot create {self.path}: {err.strerror or err}") from None
        with os.fdopen(fd, "wb") as out:
            out.write(key + b"\n")
        return key

    def seal(self, schema: dict | None, data: dict) -> dict:
        """`data` with every restricted field's value sealed (a value sealed already stays as it is)."""
        fields = restricted_fields(schema)
        if not fields or not any(k in data for k in fields):
            return data
        import json

        out = dict(data)
        for name in fields:
            if name in out and out[name] is not None and not is_sealed(out[name]):
                token = self._key().encrypt(json.dumps(out[name], ensure_ascii=False).encode("utf-8"))
                out[name] = PREFIX + token.decode("ascii")
        return out

    def reveal(self, value):
        """The plain value of a sealed one (anything else is returned as it is)."""
        if not is_sealed(value):
            return value
        import json

        from cryptography.fernet import InvalidToken

        try:
            return json.loads(self._key().decrypt(value[len(PREFIX):].encode("ascii")))
        except (InvalidToken, ValueError):
            return "[onleesbaar: niet met de sleutel van deze installatie versleuteld]"


def shown(data: dict, vault: Vault | None) -> tuple[dict, list[str]]:
    """`data` for a reader: sealed values revealed when `vault` is given (the reader may), else hidden.
    Returns the data and the names of the fields revealed (for the access log)."""
    out, revealed = {}, []
    for name, value in data.items():
        if is_sealed(value):
            if vault is not None:
                out[name] = vault.reveal(value)
                revealed.append(name)
            else:
                out[name] = HIDDEN
        else:
            out[name] = value
    return out, revealed
