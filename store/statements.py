"""Statements built once and run with parameters, for the paths every webhook takes,
and INSERT ... ON CONFLICT (upsert, insert_new), which the ORM has no portable word for.

A statement built per call with .values(...) costs more Python than SQLite spends on it;
one built once and given its parameters at execute time is compiled once and cached.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsertable_insert(session: Session, table: Table):
    """An INSERT for `table` with on_conflict_do_nothing/do_update, in the session's dialect."""
    return _INSERTS[session.get_bind().dialect.name](table)


def upsert(session: Session, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]):
    """INSERT a row, or on a conflict over `keys` set `columns` to the new values."""
    return _upsert(session.get_bind().dialect.name, table, keys, columns)


@lru_cache(maxsize=None)
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]):
    insert = _INSERTS[dialect](table)
    return insert.on_conflict_do_update(index_elements=list(keys),
                                        set_={name: insert.excluded[name] for name in columns})


def insert_new(session: Session, table: Table, keys: tuple[str, ...], returning: tuple[str, ...] = ()):
    """INSERT a row unless one with the same `keys` exists (ON CONFLICT DO NOTHING): with
    `returning`, the new row's columns, and no row at all when it was already there. The
    insert itself tells a first delivery from a repeated one, whatever else may conflict."""
    return _insert_new(session.get_bind().dialect.name, table, keys, returning)


@lru_cache(maxsize=None)
def _insert_new(dialect: str, table: Table, keys: tuple[str, ...], returning: tuple[str, ...]):
    insert = _INSERTS[dialect](table).on_conflict_do_nothing(index_elements=list(keys))
    return insert.returning(*(table.c[name] for name in returning)) if returning else insert
