"""findings and the owner's digest

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('open_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', store.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('new_owner', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_findings_tenant_open_key', ['tenant', 'open_key'])
        batch_op.create_index('ix_findings_tenant_created', ['tenant', 'created_at'], unique=False)

    op.create_table('task_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('task', sa.String(length=64), nullable=False),
    sa.Column('person', sa.String(length=64), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', store.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant', 'task')
    )
    op.create_table('digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('sent_at', store.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant', 'week')
    )


def downgrade() -> None:
    op.drop_table('digests')
    op.drop_table('task_owners')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_tenant_created')
        batch_op.drop_constraint('uq_findings_tenant_open_key', type_='unique')
        batch_op.drop_column('new_owner')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_column('acknowledged_by')
        batch_op.drop_column('open_key')
        batch_op.drop_column('person')
