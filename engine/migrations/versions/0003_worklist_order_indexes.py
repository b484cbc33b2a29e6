"""worklist order indexes: (due_at IS NULL), due_at, created_at, id after the filter columns

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_work_items_gemeente_role_due", table_name="work_items")
    op.drop_index("ix_work_items_assignee_due", table_name="work_items")
    op.create_index("ix_work_items_queue", "work_items",
                    ["gemeente", "role", sa.text("(due_at IS NULL)"), "due_at", "created_at", "id"])
    op.create_index("ix_work_items_mine", "work_items",
                    ["assignee", sa.text("(due_at IS NULL)"), "due_at", "created_at", "id"])


def downgrade():
    op.drop_index("ix_work_items_mine", table_name="work_items")
    op.drop_index("ix_work_items_queue", table_name="work_items")
    op.create_index("ix_work_items_assignee_due", "work_items", ["assignee", "due_at"])
    op.create_index("ix_work_items_gemeente_role_due", "work_items", ["gemeente", "role", "due_at"])
