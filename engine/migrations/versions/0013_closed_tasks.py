"""closed_tasks: the tasks that left the worklist without a completion (a timer, a message, a cancel)

Revision ID: 0013
Revises: 0012

`traject complete` on such a task said "does not exist" (exit 2); it is "no longer open" (exit 3), as
for a task someone else completed. Tasks closed before this revision keep the old answer.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "closed_tasks",
        sa.Column("task_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_closed_tasks_case_id", "closed_tasks", ["case_id"])


def downgrade():
    op.drop_index("ix_closed_tasks_case_id", "closed_tasks")
    op.drop_table("closed_tasks")
