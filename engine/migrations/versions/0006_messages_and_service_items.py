"""messages and external tasks: message_waits, service_items, definition_versions.start_message

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("definition_versions") as batch:
        batch.add_column(sa.Column("start_message", sa.String(200), nullable=True))
        batch.create_index("ix_definition_versions_start_message", ["start_message"])
    op.create_table(
        "message_waits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("element", sa.String(200), nullable=False),
        sa.Column("message", sa.String(200), nullable=False),
        sa.Column("corr_key", sa.String(200)),
        sa.Column("corr_value", sa.String(400)),
        sa.Column("broadcast", sa.Boolean, nullable=False),
    )
    op.create_index("ix_message_waits_case_id", "message_waits", ["case_id"])
    op.create_index("ix_message_waits_match", "message_waits", ["message", "corr_key", "corr_value"])
    op.create_table(
        "service_items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("process_id", sa.String(200), nullable=False),
        sa.Column("gemeente", sa.String(20), nullable=False),
        sa.Column("element", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("input", sa.JSON),
        sa.Column("worker", sa.String(200)),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("retries", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_service_items_case_id", "service_items", ["case_id"])
    op.create_index("ix_service_items_queue", "service_items", ["topic", "locked_until", "created_at"])
    if op.get_bind().dialect.name == "postgresql":  # the rights' second wall covers these rows too (0004)
        op.execute("ALTER TABLE service_items ENABLE ROW LEVEL SECURITY")
        op.execute("CREATE POLICY traject_scope ON service_items USING (traject_may_see(gemeente)) "
                   "WITH CHECK (traject_may_see(gemeente))")
        op.execute("ALTER TABLE message_waits ENABLE ROW LEVEL SECURITY")
        op.execute("CREATE POLICY traject_scope ON message_waits "
                   "USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = message_waits.case_id)) "
                   "WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = message_waits.case_id))")


def downgrade():
    op.drop_table("service_items")
    op.drop_table("message_waits")
    with op.batch_alter_table("definition_versions") as batch:
        batch.drop_index("ix_definition_versions_start_message")
        batch.drop_column("start_message")
