"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-28 19:12:11.651892
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('definition_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('startable', sa.Boolean(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('specs', sa.JSON(), nullable=False),
    sa.Column('start_form', sa.String(length=400), nullable=True),
    sa.Column('start_ui_form', sa.String(length=400), nullable=True),
    sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deployed_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('process_id', 'version')
    )
    with op.batch_alter_table('definition_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_definition_versions_process_id'), ['process_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('state_digest', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'seq')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_task_id'), ['task_id'], unique=False)

    op.create_table('users',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('gemeenten', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('cases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('gemeente', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=40), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=True),
    sa.Column('bsn', sa.String(length=20), nullable=True),
    sa.Column('workflow', sa.Text(), nullable=False),
    sa.Column('serializer_version', sa.String(length=20), nullable=False),
    sa.Column('next_timer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('incident', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['definition_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_bsn'), ['bsn'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_gemeente'), ['gemeente'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_process_id'), ['process_id'], unique=False)
        batch_op.create_index('ix_cases_status_timer', ['status', 'next_timer_at'], unique=False)

    op.create_table('work_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('gemeente', sa.String(length=20), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.Column('form', sa.String(length=400), nullable=True),
    sa.Column('ui_form', sa.String(length=400), nullable=True),
    sa.Column('stage', sa.String(length=40), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assignee', sa.String(length=200), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=True),
    sa.Column('bsn', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.create_index('ix_work_items_assignee_due', ['assignee', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_work_items_gemeente_role_due', ['gemeente', 'role', 'due_at'], unique=False)




def downgrade():

    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_index('ix_work_items_gemeente_role_due')
        batch_op.drop_index(batch_op.f('ix_work_items_case_id'))
        batch_op.drop_index('ix_work_items_assignee_due')

    op.drop_table('work_items')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_timer')
        batch_op.drop_index(batch_op.f('ix_cases_process_id'))
        batch_op.drop_index(batch_op.f('ix_cases_gemeente'))
        batch_op.drop_index(batch_op.f('ix_cases_bsn'))

    op.drop_table('cases')
    op.drop_table('users')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_task_id'))
        batch_op.drop_index(batch_op.f('ix_events_case_id'))

    op.drop_table('events')
    with op.batch_alter_table('definition_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_definition_versions_process_id'))

    op.drop_table('definition_versions')

