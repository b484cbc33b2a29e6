"""Migration 0002 anchors the chains of cases recorded before it, and the progress indicator."""
from __future__ import annotations

import io

from alembic import command
from alembic.config import Config
from audit_support import sql

from engine.cli.audit import _Progress
from engine.store.db import HEAD_REVISION, MIGRATIONS_DIR, Database


def test_existing_cases_get_their_last_event_hash(db_url):
    db = Database(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.sa_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    now = "2026-03-02 08:00:00"
    sql(db_url, "INSERT INTO definition_versions (id, process_id, version, name, content_hash, startable, sources, "
        "specs, deployed_at, deployed_by) VALUES (1, 'p', 1, 'p', 'h', true, '{}', '{}', :t, 'x')", t=now)
    for case_id in ("a", "b"):
        sql(db_url, "INSERT INTO cases (id, definition_id, process_id, gemeente, status, workflow, serializer_version, "
            "created_at, updated_at, lock_version) VALUES (:c, 1, 'p', 'GM0363', 'running', '{}', '1', :t, :t, 1)",
            c=case_id, t=now)
    for case_id, seq, digest in (("a", 1, "h1"), ("a", 2, "h2"), ("b", 1, "h3")):
        sql(db_url, "INSERT INTO events (case_id, seq, type, at, payload_hash, prev_hash, hash) "
            "VALUES (:c, :s, 'x', :t, 'p', 'q', :h)", c=case_id, s=seq, t=now, h=digest)
    db.ensure_migrated()
    assert db.current_revision() == HEAD_REVISION
    assert sorted(sql(db_url, "SELECT id, last_event_hash FROM cases")) == [("a", "h2"), ("b", "h3")]
    db.dispose()


def test_progress_indicator_draws_one_line(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    progress = _Progress()
    progress(1, 4, 5)
    progress(2, 4, 9)  # within 0.2 s of the last drawing: skipped
    progress(4, 4, 20)  # the last one is always drawn
    progress.clear()
    drawn = err.getvalue().split("\r")
    assert drawn[1].endswith("1/4 cases, 5 events") and drawn[2].endswith("4/4 cases, 20 events")
    assert len(drawn) == 4 and drawn[3] == "\x1b[K"
