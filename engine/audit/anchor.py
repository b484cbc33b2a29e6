"""Anchors: a digest of the whole audit trail kept outside the database (issue 13 (c)).

Someone with the database and its audit key can rewrite a case's history and recompute every hash;
nothing inside the database then shows it. `traject audit anchor` takes a Merkle root over every case's
chain head (its newest event's seq and hash) and every definition version's content hash, with the time.
The root is short enough to print, mail to the FG or append to a file on another machine (BIO 8.15:
logs checked by someone independent); the anchor file also lists the leaves, so that
`audit verify --anchor FILE` can name each case whose history up to the anchor changed. Events added
after the anchor are fine: a case's head at the anchor must still be in its chain, unchanged.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import func, select

from ..errors import InvalidInput
from ..store.tables import Case, DefinitionVersion, Event
from .chain import canonical

FORMAT = "traject-anchor/1"


def _leaf_digest(leaf: dict) -> str:
    return hashlib.sha256(canonical(leaf)).hexdigest()


def merkle_root(leaves: list[dict]) -> str:
    """The root over the leaves (each hashed canonically, in the order given); odd nodes move up."""
    level = [_leaf_digest(leaf) for leaf in leaves] or [hashlib.sha256(b"").hexdigest()]
    while len(level) > 1:
        level = [hashlib.sha256((level[i] + (level[i + 1] if i + 1 < len(level) else "")).encode()).hexdigest()
                 for i in range(0, len(level), 2)]
    return level[0]


def leaves(session, visible) -> list[dict]:
    """One leaf per case in `visible` (its head: newest seq and hash) and per definition version."""
    newest = (select(Event.case_id, func.max(Event.seq).label("seq")).group_by(Event.case_id).subquery())
    heads = session.execute(
        select(Event.case_id, Event.seq, Event.hash)
        .join(newest, (newest.c.case_id == Event.case_id) & (newest.c.seq == Event.seq))
        .join(Case, Case.id == Event.case_id).where(visible).order_by(Event.case_id))
    found = [{"case": r.case_id, "seq": r.seq, "head": r.hash} for r in heads]
    definitions = session.execute(select(DefinitionVersion.process_id, DefinitionVersion.version,
                                         DefinitionVersion.content_hash).order_by(DefinitionVersion.id))
    found += [{"definition": f"{r.process_id}:{r.version}", "hash": r.content_hash} for r in definitions]
    return found


def take(session, visible, now: datetime, actor: str) -> dict:
    found = leaves(session, visible)
    return {"format": FORMAT, "at": now.isoformat(), "by": actor, "root": merkle_root(found),
            "cases": sum(1 for leaf in found if "case" in leaf),
            "definitions": sum(1 for leaf in found if "definition" in leaf), "leaves": found}


def read(path) -> dict:
    try:
        anchor = json.loads(open(path, encoding="utf-8").read())
    except (OSError, ValueError) as err:
        raise InvalidInput(f"--anchor: cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    if not isinstance(anchor, dict) or anchor.get("format") != FORMAT or not isinstance(anchor.get("leaves"), list):
        raise InvalidInput(f"--anchor: {path} is not an anchor file of `traject audit anchor --out`")
    return anchor


def check(session, anchor: dict) -> list[dict]:
    """What changed since `anchor`: [{"case" or "definition", "message"}]; [] when nothing did."""
    if merkle_root(anchor["leaves"]) != anchor.get("root"):
        return [{"anchor": anchor.get("root"), "message": "the anchor file's leaves do not hash to its root: "
                 "the file was changed (compare its root with the printed or mailed one)"}]
    problems = []
    for leaf in anchor["leaves"]:
        if "case" in leaf:
            problem = _case_problem(session, leaf)
            if problem:
                problems.append({"case": leaf["case"], "message": problem})
        elif "definition" in leaf:
            problem = _definition_problem(session, leaf)
            if problem:
                problems.append({"definition": leaf["definition"], "message": problem})
    return problems


def _case_problem(session, leaf: dict) -> str | None:
    event = session.execute(select(Event.hash).where(Event.case_id == leaf["case"], Event.seq == leaf["seq"])).first()
    if event is None:
        return f"event {leaf['seq']}, the case's newest at the anchor, is gone: its history was cut or deleted"
    if event.hash != leaf["head"]:
        return f"event {leaf['seq']} differs from the anchor: the history up to it was rewritten"
    return None


def _definition_problem(session, leaf: dict) -> str | None:
    process_id, _, version = leaf["definition"].rpartition(":")
    row = session.execute(select(DefinitionVersion.content_hash).where(
        DefinitionVersion.process_id == process_id, DefinitionVersion.version == int(version))).first()
    if row is None:
        return "the definition version is gone"
    if row.content_hash != leaf["hash"]:
        return "its content hash differs from the anchor: the version was replaced"
    return None
