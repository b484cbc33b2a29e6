"""Pseudonyms for exports: a keyed hash (HMAC-SHA256) with a key kept in this installation's database.

The same case, user or BSN gets the same pseudonym in every export of one installation, so exports can
be compared over time; without the key nobody can turn a pseudonym back into the value, not even by
hashing all possible BSNs. Anyone who can read the database has the key: the protection is for the
people the export is handed to.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..store.tables import Installation

KEY_NAME = "pseudonym_key"
# Form fields that name or identify a person. Free-text fields (motivering, notities) can still mention
# names, which is why form data leaves the installation only on request (--include-data).
PERSON_KEYS = frozenset({
    "naam", "voornamen", "achternaam", "bsn", "v_nummer", "geboortedatum", "email", "telefoon", "adres",
    "postcode", "person_name", "ondertekenaar", "ondertekenaar_naam", "regionaal_dossiernummer",
    # names of staff entered in forms (actors are pseudonymised too)
    "geregistreerd_door", "duo_geregistreerd_door", "co_trainer",
})


def installation_key(db, now: datetime) -> bytes:
    """The installation's pseudonym key, made (with `secrets`) the first time it is needed."""
    with db.transaction(write=False) as session:
        row = session.get(Installation, KEY_NAME)
        if row is not None:
            return bytes.fromhex(row.value)
    try:
        with db.transaction() as session:
            row = session.get(Installation, KEY_NAME)  # again, now under the write lock
            if row is None:
                row = Installation(name=KEY_NAME, value=secrets.token_hex(32), created_at=now)
                session.add(row)
            return bytes.fromhex(row.value)
    except IntegrityError:  # PostgreSQL: another export made the key at the same moment; use theirs
        return installation_key(db, now)


class Pseudonymizer:
    def __init__(self, key: bytes):
        self._key = key
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, value) -> str | None:
        """`kind-<16 hex digits>`; the kind is hashed along, so a user and a case never share one."""
        if value is None or value == "":
            return None
        text = str(value)
        found = self._cache.get((kind, text))
        if found is None:
            digest = hmac.new(self._key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()
            found = self._cache[(kind, text)] = f"{kind}-{digest[:16]}"
        return found

    def scrub(self, value):
        """A copy of form data with every person field (at any depth) replaced by its pseudonym."""
        if isinstance(value, dict):
            return {k: (self(k, v) if k in PERSON_KEYS and not isinstance(v, dict | list) else self.scrub(v))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value
