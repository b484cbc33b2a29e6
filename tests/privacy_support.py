"""Helpers for the privacy tests: every value of every table, to look for a person in it.

The tables and columns come from the database's own catalog (PostgreSQL's information_schema for the
connection's schema, SQLite's sqlite_master and table_info), not from the engine's models or SQLAlchemy
reflection, so a table or column the engine's models do not know (one a migration made, a leftover) is
scanned too. Every value is read as text by the database itself (PostgreSQL: a cast per column; bytea
is read raw and decoded, so a name inside bytes is found as well)."""
from __future__ import annotations

from sqlalchemy import create_engine, text


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def catalog(conn) -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, type)]} of every table and view the connection's schema holds."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")).all()
    else:
        rows = []
        for (table,) in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")):
            rows += [(table, c.name, c.type) for c in conn.execute(text(f"PRAGMA table_info({_quoted(table)})"))]
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, str(data_type or "").lower()))
    return tables


def _as_text(value) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def rows_containing(db_url: str, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every stored value that contains one of `needles`, in every table and
    column of the database (read as the database owner: on PostgreSQL past row-level security)."""
    from engine.store.tables import Base

    engine = create_engine(db_url)
    found = []
    try:
        with engine.connect() as conn:
            tables = catalog(conn)
            # The catalog must see at least what the engine's models define, or the scan scans nothing.
            missing = set(Base.metadata.tables) - set(tables)
            assert not missing, f"the catalog scan does not see the tables {sorted(missing)}"
            pg = conn.dialect.name == "postgresql"
            for table, columns in sorted(tables.items()):
                selected = ", ".join(_quoted(c) if not pg or t == "bytea" else f"CAST({_quoted(c)} AS TEXT)"
                                     for c, t in columns)
                for row in conn.execute(text(f"SELECT {selected} FROM {_quoted(table)}")):
                    for (column, _type), value in zip(columns, row, strict=True):
                        value_text = _as_text(value)
                        found += [(table, column, n) for n in needles if n in value_text]
    finally:
        engine.dispose()
    return found
