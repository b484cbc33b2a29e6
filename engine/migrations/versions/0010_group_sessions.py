"""group sessions: workshops and signing ceremonies with many participants (issue 11)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dagdelen", sa.Integer, nullable=False),
        sa.Column("place", sa.String(200)),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("interpreter_type", sa.String(40)),
        sa.Column("interpreter_language", sa.String(60)),
        sa.Column("interpreter_booked", sa.Boolean, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("executor", sa.String(100), nullable=False),
        sa.Column("gemeenten", sa.String(2000), nullable=False),
        sa.Column("official", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("cancel_reason", sa.String(1000)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_group_sessions_at", "group_sessions", ["starts_at"])
    op.create_table(
        "session_participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("group_sessions.id"), nullable=False),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("gemeente", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enrolled_by", sa.String(200), nullable=False),
        sa.Column("outcome_at", sa.DateTime(timezone=True)),
        sa.Column("outcome_by", sa.String(200)),
        sa.UniqueConstraint("session_id", "case_id"),
    )
    op.create_index("ix_session_participants_session_id", "session_participants", ["session_id"])
    op.create_index("ix_session_participants_case_id", "session_participants", ["case_id"])
    if op.get_bind().dialect.name == "postgresql":
        from engine.rights.pg import install_session_security

        install_session_security(op.get_bind())


def downgrade():
    op.drop_index("ix_session_participants_case_id", table_name="session_participants")
    op.drop_index("ix_session_participants_session_id", table_name="session_participants")
    op.drop_table("session_participants")
    op.drop_index("ix_group_sessions_at", table_name="group_sessions")
    op.drop_table("group_sessions")
