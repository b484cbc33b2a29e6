"""PostgreSQL: row security on the directory and on the installation row

Revision ID: 0014
Revises: 0013

A beheerder of some gemeenten is no longer in traject_admin (which may act as anyone): its own login
writes users and grants, and row security (traject_manages) keeps those writes within its gemeenten.
The audit key in `installation` can no longer be changed or deleted by the group roles; the access log
is append-only (the privileges themselves are set by engine.rights.pg.sync_privileges after every upgrade).
Nothing changes on SQLite, which has one user per file.
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        from engine.rights.pg import install_directory_security

        install_directory_security(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("grants", "users", "installation"):
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
