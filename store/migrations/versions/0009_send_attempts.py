"""an outbound text's attempt in progress: when it began, until its outcome is known

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', store.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('attempted_at')
