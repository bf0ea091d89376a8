"""writes to outside systems, retried until done

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('integration_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('change', sa.String(length=16), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_try_at', store.db.UTCDateTime(), nullable=False),
    sa.Column('enqueued_at', store.db.UTCDateTime(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', store.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', store.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('integration_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_integration_jobs_booking_id', ['booking_id'], unique=False)
        batch_op.create_index('ix_integration_jobs_due', ['state', 'next_try_at'], unique=False)

    op.create_table('payment_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('received_at', store.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider', 'event_id')
    )


def downgrade() -> None:
    op.drop_table('payment_events')
    with op.batch_alter_table('integration_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_integration_jobs_due')
        batch_op.drop_index('ix_integration_jobs_booking_id')
    op.drop_table('integration_jobs')
