"""Statements the ORM has no portable word for: INSERT ... ON CONFLICT on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsertable_insert(session: Session, table: Table):
    """An INSERT for `table` with on_conflict_do_nothing/do_update, in the session's dialect."""
    return _INSERTS[session.get_bind().dialect.name](table)
