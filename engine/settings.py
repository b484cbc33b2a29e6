"""Settings, read once at the edge (CLI flags and TRAJECT_* variables) and passed down."""
from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .bundle import DEFAULT_MAX_MODEL_BYTES

DEFAULT_DB = "sqlite:///traject.db"


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB
    user: str = "traject"
    # False when `user` is only the OS login: on PostgreSQL the database login then acts, silently.
    user_explicit: bool = True
    policy_path: Path | None = None  # the installation's rights policy (--policy, TRAJECT_POLICY)
    now: datetime | None = None  # fixed engine clock; None means real time
    language: str = "nl"
    schema_dirs: tuple[Path, ...] = field(default_factory=tuple)  # extra places to look for form files
    max_model_bytes: int = DEFAULT_MAX_MODEL_BYTES  # per BPMN/DMN file
    script_budget: float = 2.0  # seconds of wall time for the scripts of one command (TRAJECT_SCRIPT_BUDGET)
    # The key of restricted (special category) fields (engine/restricted.py; TRAJECT_KEY_FILE). None: next
    # to a SQLite database file (`traject.db` -> `traject.db.key`), else `traject.key` in the working folder.
    key_file: Path | None = None

    def key_path(self) -> Path:
        if self.key_file is not None:
            return Path(self.key_file)
        if self.db_url.startswith("sqlite:///") and self.db_url != "sqlite:///:memory:":
            return Path(self.db_url[len("sqlite:///"):] + ".key")
        return Path("traject.key")

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides) -> Settings:
        """Build settings from TRAJECT_* variables; explicit (non-None) overrides win."""
        from .inputs import parse_clock

        values = {
            "db_url": env.get("TRAJECT_DB") or DEFAULT_DB,
            "user": env.get("TRAJECT_USER") or _login_name(),
            "user_explicit": bool(env.get("TRAJECT_USER")),
            "policy_path": Path(env["TRAJECT_POLICY"]) if env.get("TRAJECT_POLICY") else None,
            "now": parse_clock(env["TRAJECT_NOW"], "TRAJECT_NOW") if env.get("TRAJECT_NOW") else None,
            "language": env.get("TRAJECT_LANG") or "nl",
            "key_file": Path(env["TRAJECT_KEY_FILE"]) if env.get("TRAJECT_KEY_FILE") else None,
        }
        if env.get("TRAJECT_MAX_MODEL_MB"):
            values["max_model_bytes"] = _megabytes(env["TRAJECT_MAX_MODEL_MB"])
        if env.get("TRAJECT_SCRIPT_BUDGET"):
            values["script_budget"] = _seconds(env["TRAJECT_SCRIPT_BUDGET"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        if overrides.get("user"):
            values["user_explicit"] = True
        return cls(**values)


def _megabytes(text: str) -> int:
    from .errors import InvalidInput

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1024:  # nan fails too
        raise InvalidInput(f"TRAJECT_MAX_MODEL_MB: '{text}' is not a size in MB between 0 and 1024")
    return int(value * 1024 * 1024)


def _seconds(text: str) -> float:
    from .errors import InvalidInput

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:
        raise InvalidInput(f"TRAJECT_SCRIPT_BUDGET: '{text}' is not a number of seconds between 0 and 3600")
    return value


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "traject"
