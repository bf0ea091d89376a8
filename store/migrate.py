"""Alembic, driven from code: `flask --app server db upgrade` and the test fixtures."""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from store.db import Database

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    _ensure_sqlite_dir(database_url)
    command.upgrade(alembic_config(database_url), revision)


def bring_up_to_date(db: Database) -> bool:
    """At start: a SQLite database (one machine's) is migrated on the spot, one process at a
    time; elsewhere migrating is a release step (`flask db upgrade`), so a database behind
    the code is left as it is. True when it is behind (runtime.report_schema says so)."""
    try:
        _ensure_sqlite_dir(db.url)
        if _current(db):
            return False
    except (OSError, SQLAlchemyError) as exc:  # down at start: the app still starts, /healthz says so
        log.error("database unreachable at start: %s", exc)
        return False
    if not db.url.startswith("sqlite"):
        return True
    with db.writer_turn():
        upgrade(db.url)
    return False


def _current(db: Database) -> bool:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == _heads()


@lru_cache(maxsize=1)
def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def _ensure_sqlite_dir(database_url: str) -> None:
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and database_url != prefix + ":memory:":
        Path(database_url[len(prefix):]).parent.mkdir(parents=True, exist_ok=True)
