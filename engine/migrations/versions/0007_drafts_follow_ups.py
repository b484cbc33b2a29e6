"""drafts and follow-up dates: half-filled task forms per task and user; "wachten tot" dates (issue 16)

Revision ID: 0007
Revises: 0006

Drafts are not case data: they have their own table, outside the events and their hash chain, and
are deleted when their task completes.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drafts",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "user"),
    )
    op.create_index("ix_drafts_case_id", "drafts", ["case_id"])
    op.create_table(
        "follow_ups",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "user"),
    )


def downgrade():
    op.drop_table("follow_ups")
    op.drop_index("ix_drafts_case_id", table_name="drafts")
    op.drop_table("drafts")
