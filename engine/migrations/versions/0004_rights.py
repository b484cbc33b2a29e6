"""rights: grants (role, scope), regions, the access log; row-level security on PostgreSQL

Revision ID: 0004
Revises: 0003
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "regions",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "region_gemeenten",
        sa.Column("region", sa.String(100), sa.ForeignKey("regions.name", ondelete="CASCADE"), primary_key=True),
        sa.Column("gemeente", sa.String(20), primary_key=True),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_name", sa.String(200), sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("scope_kind", sa.String(10), nullable=False),
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("user_name", "role", "scope_kind", "scope"),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("via", sa.String(200)),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("resource", sa.String(400), nullable=False),
        sa.Column("case_id", sa.String(36), index=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("message", sa.String(1000)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    _grants_from_old_columns()
    with op.batch_alter_table("users") as batch:
        batch.drop_column("roles")
        batch.drop_column("gemeenten")
    if op.get_bind().dialect.name == "postgresql":
        from engine.rights.pg import install_row_security

        install_row_security(op.get_bind())


def _grants_from_old_columns():
    """Each old (role x gemeente) pair becomes a grant; a role without gemeenten grants nothing (it never
    showed a worklist)."""
    import json

    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None) if bind.dialect.name == "sqlite" else datetime.now(UTC)
    rows = bind.execute(sa.text("SELECT name, roles, gemeenten FROM users")).all()
    grants = sa.table("grants", sa.column("user_name"), sa.column("role"), sa.column("scope_kind"),
                      sa.column("scope"), sa.column("created_at"), sa.column("created_by"))
    values = []
    for name, roles, gemeenten in rows:
        roles = json.loads(roles) if isinstance(roles, str) else roles or []
        gemeenten = json.loads(gemeenten) if isinstance(gemeenten, str) else gemeenten or []
        values += [{"user_name": name, "role": r, "scope_kind": "gemeente", "scope": g, "created_at": now,
                    "created_by": "migration 0004"} for r in roles for g in gemeenten]
    if values:
        op.bulk_insert(grants, values)


def downgrade():
    raise NotImplementedError("0004 (rights) has no downgrade: the grants cannot be folded back losslessly")
