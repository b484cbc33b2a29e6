"""the stored workflow is a snapshot: the seq of the last event it includes (issue 14)

Revision ID: 0012
Revises: 0011

A task completion or a timer no longer rewrites the whole workflow: it writes its event, and the
stored workflow stays the state after event `snapshot_seq`; loading it re-applies the events after
that (engine/snapshots.py). NULL: the stored workflow includes every event (every row before this).
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("snapshot_seq", sa.Integer(), nullable=True))


def downgrade():
    # The older engine reads the stored workflow as current: refuse rather than lose the events after it.
    behind = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM cases WHERE snapshot_seq IS NOT NULL")).scalar()
    if behind:
        raise RuntimeError(f"{behind} case(s) have events after their stored workflow; downgrading would lose them")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("snapshot_seq")
