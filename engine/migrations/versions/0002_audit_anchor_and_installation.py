"""audit: last event hash on cases, installation settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00

`cases.last_event_hash` anchors each case's event chain: deleting the last events of a case leaves a
shorter chain that is valid on its own, which only a comparison with the case row reveals. Existing
cases get the hash of their current last event.

`installation` holds per-installation values such as the key for pseudonyms in exports.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_event_hash', sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE cases SET last_event_hash = (SELECT e.hash FROM events e WHERE e.case_id = cases.id "
        "ORDER BY e.seq DESC LIMIT 1)"
    )
    op.create_table('installation',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade():
    op.drop_table('installation')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('last_event_hash')
