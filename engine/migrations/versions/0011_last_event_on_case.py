"""the newest event's seq and time on the case row, beside its hash (issue 14: lean SQL per command)

Revision ID: 0011
Revises: 0010

A command appends its event after the one the case row names, so it no longer selects the newest
event first (one statement less per command); the hash was already there (last_event_hash, 0002).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("last_event_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cases SET "
               "last_event_seq = (SELECT MAX(e.seq) FROM events e WHERE e.case_id = cases.id), "
               "last_event_at = (SELECT e.at FROM events e WHERE e.case_id = cases.id "
               "ORDER BY e.seq DESC LIMIT 1)")


def downgrade():
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("last_event_at")
        batch.drop_column("last_event_seq")
