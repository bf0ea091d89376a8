"""outbound text limits per recipient (tiers and bundles)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

HELD = sa.text("status = 'held'")
RELEASED = sa.text("released_at IS NOT NULL")
BUNDLED = sa.text("bundle_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_at', store.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('bundle_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_messages_bundle_id', 'messages', ['bundle_id'], ['id'])
        batch_op.create_index('ix_messages_released', ['tenant', 'released_at'], unique=False,
                              sqlite_where=RELEASED, postgresql_where=RELEASED)
        # status leads so that SQLite, unanalyzed, prefers it to ix_messages_outbox
        batch_op.create_index('ix_messages_held', ['status', 'tenant', 'to_phone'], unique=False,
                              sqlite_where=HELD, postgresql_where=HELD)
        # the foreign key's own index: without it each deleted message scans the table
        batch_op.create_index('ix_messages_bundle', ['bundle_id'], unique=False,
                              sqlite_where=BUNDLED, postgresql_where=BUNDLED)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_bundle')
        batch_op.drop_index('ix_messages_held')
        batch_op.drop_index('ix_messages_released')
        batch_op.drop_constraint('fk_messages_bundle_id', type_='foreignkey')
        batch_op.drop_column('bundle_id')
        batch_op.drop_column('released_at')
