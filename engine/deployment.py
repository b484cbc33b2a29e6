"""Deploying process bundles and listing what is deployed."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .store import repo
from .store.tables import DefinitionVersion
from .views import DeployResult, ProcessInfo

if TYPE_CHECKING:
    from .definitions import ProcessBuild


def store_builds(session: Session, builds: list[ProcessBuild], actor: str, now) -> list[DeployResult]:
    results = []
    for build in builds:
        latest = repo.latest_definition(session, build.process_id)
        if latest is not None and latest.content_hash == build.content_hash:
            results.append(DeployResult(build.process_id, latest.version, False, latest.name))
            continue
        version = (latest.version + 1) if latest else 1
        session.add(DefinitionVersion(
            process_id=build.process_id, version=version, name=build.name, content_hash=build.content_hash,
            startable=build.startable, sources=build.sources, specs=build.specs,
            start_form=build.start_form, start_ui_form=build.start_ui_form, start_message=build.start_message, deployed_at=now, deployed_by=actor,
        ))
        results.append(DeployResult(build.process_id, version, True, build.name))
    session.flush()
    return results


def list_processes(session: Session) -> list[ProcessInfo]:
    newest = (
        select(DefinitionVersion.process_id, func.max(DefinitionVersion.version).label("version"))
        .group_by(DefinitionVersion.process_id).subquery()
    )
    rows = session.scalars(
        select(DefinitionVersion).join(
            newest, (DefinitionVersion.process_id == newest.c.process_id)
            & (DefinitionVersion.version == newest.c.version))
        .order_by(DefinitionVersion.process_id)
    )
    return [process_info(row) for row in rows]


def process_info(row: DefinitionVersion) -> ProcessInfo:
    return ProcessInfo(
        process_id=row.process_id, name=row.name, version=row.version, startable=row.startable,
        start_schema=_json_source(row, row.start_form), start_ui_schema=_json_source(row, row.start_ui_form),
        content_hash=row.content_hash,
    )


def _json_source(row: DefinitionVersion, name: str | None) -> dict | None:
    if not name or name not in row.sources:
        return None
    return json.loads(row.sources[name])
