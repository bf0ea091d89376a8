"""appointments, holds and booking reminders

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

NEW_BOOKING_COLUMNS = (
    ('accepted_at', store.db.UTCDateTime),
    ('confirmed_at', store.db.UTCDateTime),
    ('cancelled_at', store.db.UTCDateTime),
    ('remind_at', store.db.UTCDateTime),
    ('reminded_at', store.db.UTCDateTime),
)


def upgrade() -> None:
    op.create_table(
        'booking_days',
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('tenant', 'day'),
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_asked_at', store.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('interaction_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moves_id', sa.Integer(), nullable=True))
        for name, kind in NEW_BOOKING_COLUMNS:
            batch_op.add_column(sa.Column(name, kind(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('answered_reminder', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key('fk_bookings_interaction_id', 'interactions', ['interaction_id'], ['id'])
        batch_op.create_foreign_key('fk_bookings_moves_id', 'bookings', ['moves_id'], ['id'])
        batch_op.create_unique_constraint('uq_bookings_tenant_key', ['tenant', 'key'])
        batch_op.create_index('ix_bookings_reminders', ['state', 'reminded_at', 'remind_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_reminders')
        batch_op.drop_constraint('uq_bookings_tenant_key', type_='unique')
        batch_op.drop_constraint('fk_bookings_moves_id', type_='foreignkey')
        batch_op.drop_constraint('fk_bookings_interaction_id', type_='foreignkey')
        for name in ('answered_reminder', 'cancel_reason', *(n for n, _ in reversed(NEW_BOOKING_COLUMNS)),
                     'moves_id', 'interaction_id', 'key'):
            batch_op.drop_column(name)
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('name_asked_at')
    op.drop_table('booking_days')
