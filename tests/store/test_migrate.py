"""A database behind the code at start: SQLite is migrated on the spot, others are left as they are."""
from __future__ import annotations

import logging

from sqlalchemy import inspect

from config.settings import load_settings
from server import create_app
from store.db import Database
from store.migrate import bring_up_to_date
from tests.conftest import TEST_ENV


def test_a_new_sqlite_database_is_migrated_when_the_app_starts(tmp_path, redis_url):
    url = f"sqlite:///{tmp_path / 'new' / 'onward.db'}"
    app = create_app(load_settings({**TEST_ENV, "DATABASE_URL": url, "REDIS_URL": redis_url,
                                    "ONWARD_VAR_DIR": str(tmp_path / "var")}))
    tables = inspect(app.extensions["onward"].db.engine).get_table_names()
    assert {"interactions", "messages", "runs", "bookings", "alembic_version"} <= set(tables)
    result = app.test_cli_runner().invoke(args=["tick", "--now", "2026-11-23T09:05:00-05:00"])
    assert result.exit_code == 0, result.output


def test_a_migrated_database_is_left_alone(database_url, caplog):
    db = Database(database_url)
    with caplog.at_level(logging.INFO):
        bring_up_to_date(db)
    assert not [r for r in caplog.records if "Running upgrade" in r.getMessage() or r.levelno >= logging.ERROR]
    db.dispose()
