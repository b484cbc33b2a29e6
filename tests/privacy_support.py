"""Helpers for the privacy tests: every value of every table, to look for a person in it."""
from __future__ import annotations

import warnings

from sqlalchemy import MetaData, create_engine, select


def rows_containing(db_url: str, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every stored value that contains one of `needles`, in every table and
    column of the database (read as the database owner: on PostgreSQL past row-level security)."""
    engine = create_engine(db_url)
    found = []
    try:
        meta = MetaData()
        with warnings.catch_warnings():  # expression indexes are not reflected; the columns are
            warnings.simplefilter("ignore")
            meta.reflect(engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)):
                    for column, value in row._mapping.items():
                        text = str(value)
                        found += [(table.name, str(column), n) for n in needles if n in text]
    finally:
        engine.dispose()
    return found
