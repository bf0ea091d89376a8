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


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
