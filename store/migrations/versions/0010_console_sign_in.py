"""the operator console's sign-in: codes texted to phones, and server-side sessions

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import store.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'console_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', store.db.UTCDateTime(), nullable=False),
        sa.Column('expires_at', store.db.UTCDateTime(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', store.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('phone'),
    )
    op.create_table(
        'console_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('tenant', sa.String(length=64), nullable=True),
        sa.Column('person', sa.String(length=64), nullable=True),
        sa.Column('created_at', store.db.UTCDateTime(), nullable=False),
        sa.Column('expires_at', store.db.UTCDateTime(), nullable=False),
        sa.Column('ended_at', store.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )


def downgrade() -> None:
    op.drop_table('console_sessions')
    op.drop_table('console_codes')
