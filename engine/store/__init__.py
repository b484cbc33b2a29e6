"""Persistence: tables, sessions, migrations. Only the engine's service layer uses it."""
