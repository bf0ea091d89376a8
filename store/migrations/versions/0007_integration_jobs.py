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
    pass


def downgrade() -> None:
    pass
