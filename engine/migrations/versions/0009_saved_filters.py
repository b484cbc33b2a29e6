"""saved worklist filters, per user (issue 16, point 7)

Revision ID: 0009
Revises: 0008

Not case data: no events. On PostgreSQL a row is visible to its owner only (and to administrators,
who may act as another user), like a personal setting.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_filters",
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("view", sa.String(length=10), nullable=False),
        sa.Column("stage", sa.String(length=60), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("search", sa.String(length=200), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user", "name"),
    )
    if op.get_bind().dialect.name == "postgresql":
        from engine.rights.pg import install_owner_only

        install_owner_only(op.get_bind(), "saved_filters", "user")


def downgrade():
    op.drop_table("saved_filters")
