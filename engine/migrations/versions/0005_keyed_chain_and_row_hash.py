"""audit: keyed (HMAC) event chain, a row hash over each case row and its work items

Revision ID: 0005
Revises: 0004

`events.hash_version`: NULL for the unkeyed SHA-256 chain written so far (it keeps verifying as it
was), 2 for HMAC-SHA256 with the installation's audit key, so a copy of the code alone cannot re-chain
a forged event. `cases.row_hash`: an HMAC over the case row's own columns and its work items, so edits
to the gemeente, status, BSN or a work item show in `audit verify`. `cases.previous_case`: the case
started before it (an index chain of case ids, its head in installation 'last_case'), so a case deleted
as a whole is named by its successor. The key is made here, once.
"""
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("previous_case", sa.String(length=36), nullable=True))
    installation = sa.table("installation", sa.column("name", sa.String), sa.column("value", sa.Text),
                            sa.column("created_at", sa.DateTime(timezone=True)))
    op.bulk_insert(installation, [{"name": "audit_key", "value": secrets.token_hex(32),
                                   "created_at": datetime.now(UTC)}])


def downgrade():
    op.execute("DELETE FROM installation WHERE name IN ('audit_key', 'last_case')")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("previous_case")
        batch_op.drop_column("row_hash")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("hash_version")
