"""Collect the files of a deployment: BPMN and DMN from the paths given, and the form files they name.

Form files resolve next to the BPMN file first, then in a `forms/` folder beside it (the spiff-example-cli
convention), then in a `schemas/` folder inside or beside the BPMN file's folder (`processes/` + `schemas/`),
then in the configured schema folders. Never from the working directory or folders further up: a copied
`processes/` folder must not silently pick up the forms of whatever project it is run from.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput

PROCESS_SUFFIXES = (".bpmn", ".dmn")
# The largest shipped model is 67 KB; a 9 MB file took 45 s and 3.7 GB to validate, while validation of
# 1.5 MB (2000 small processes) takes about 4 s here. TRAJECT_MAX_MODEL_MB raises the limit.
DEFAULT_MAX_MODEL_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    name: str  # the path as the user would write it (used in messages and stored with the version)
    path: Path  # absolute path on disk
    content: bytes

    @property
    def kind(self) -> str:
        suffix = self.path.suffix.lower()
        return {".bpmn": "bpmn", ".dmn": "dmn"}.get(suffix, "form")


def collect(paths: Sequence[str | Path], max_bytes: int = DEFAULT_MAX_MODEL_BYTES) -> list[SourceFile]:
    """Expand files and folders (recursively) into BPMN and DMN source files, sorted by name.

    A file over `max_bytes` is refused before it is read (exit 2), naming the file and the limit."""
    found: dict[Path, SourceFile] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InvalidInput(f"{given}: no such file or folder")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() in PROCESS_SUFFIXES and child.is_file():
                    found.setdefault(child.resolve(), _read(child, max_bytes))
        elif path.suffix.lower() in PROCESS_SUFFIXES:
            found.setdefault(path.resolve(), _read(path, max_bytes))
        else:
            raise InvalidInput(f"{given}: not a .bpmn or .dmn file")
    if not found:
        raise InvalidInput("no .bpmn or .dmn files in " + ", ".join(str(p) for p in paths))
    return sorted(found.values(), key=lambda f: f.name)


def _read(path: Path, max_bytes: int) -> SourceFile:
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidInput(f"{path}: {size / 2**20:.1f} MB is over the limit of {max_bytes / 2**20:g} MB for one "
                           "model file (TRAJECT_MAX_MODEL_MB raises it)")
    return SourceFile(name=str(path), path=path.resolve(), content=path.read_bytes())


def form_search_dirs(bpmn_path: Path, extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """Where a form file named by a task in `bpmn_path` is looked for, in order."""
    # `forms/` beside the BPMN file is the spiff-example-cli convention: its files work unchanged.
    folder = bpmn_path.parent
    dirs = [folder, folder / "forms", folder / "schemas", folder.parent / "schemas"]
    dirs.extend(Path(d) for d in extra_dirs)
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def resolve_form(name: str, bpmn_path: Path, extra_dirs: Iterable[Path] = ()) -> Path | None:
    """The form file `name` as seen from `bpmn_path`, or None when it is nowhere to be found."""
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return None  # a form name is a plain file name relative to the search folders
    for folder in form_search_dirs(bpmn_path, extra_dirs):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def content_hash(files: Iterable[tuple[str, bytes]]) -> str:
    """A stable hash over (name, content) pairs; names are compared without their folders."""
    digest = hashlib.sha256()
    for name, content in sorted(files, key=lambda item: Path(item[0]).name):
        digest.update(Path(name).name.encode() + b"\0")
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()
