"""escalation chains on runs and reply codes

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalate_at', store.db.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_runs_overdue', ['state', 'escalation_level', 'due_at'], unique=False)
        batch_op.create_index('ix_runs_escalate_at', ['state', 'escalate_at'], unique=False)

    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('codes', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.create_unique_constraint('uq_escalations_run_level', ['run_id', 'level'])

    op.create_table('reply_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('created_at', store.db.UTCDateTime(), nullable=False),
    sa.Column('closed_at', store.db.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reply_codes', schema=None) as batch_op:
        batch_op.create_index('uq_reply_codes_open_number', ['tenant', 'person', 'number'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('uq_reply_codes_open_item', ['tenant', 'person', 'kind', 'item_id'],
                              unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_reply_codes_item', ['tenant', 'kind', 'item_id'], unique=False)


def downgrade() -> None:
    op.drop_table('reply_codes')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_escalations_run_level', type_='unique')
        batch_op.drop_column('note')
        batch_op.drop_column('codes')
        batch_op.drop_column('target')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index('ix_runs_escalate_at')
        batch_op.drop_index('ix_runs_overdue')
        batch_op.drop_column('escalate_at')
