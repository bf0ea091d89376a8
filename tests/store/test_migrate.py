"""A database behind the code at start: SQLite is migrated on the spot, others are left as they are."""
from __future__ import annotations

import logging

import pytest
from alembic import command
from click.testing import CliRunner
from flask.cli import cli as flask_cli
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from config.settings import load_settings
from server import create_app
from store.db import Database, make_engine
from store.migrate import alembic_config, bring_up_to_date, upgrade
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


@pytest.fixture
def behind_postgres(migrated_postgres) -> str:
    """A PostgreSQL database of its own, one migration behind the code."""
    if not migrated_postgres:
        pytest.skip("needs PostgreSQL in DATABASE_URL: a SQLite database is migrated at start")
    url = make_url(migrated_postgres)
    url = url.set(database=f"{url.database}_behind").render_as_string(hide_password=False)
    recreate_database(url)
    command.downgrade(alembic_config(url), "-1")
    return url


def recreate_database(url: str) -> None:
    target = make_url(url)
    engine = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()
    upgrade(url)


def test_db_upgrade_brings_a_database_up_without_calling_it_behind(behind_postgres, tmp_path, caplog):
    env = {**TEST_ENV, "DATABASE_URL": behind_postgres, "ONWARD_VAR_DIR": str(tmp_path)}

    with caplog.at_level(logging.INFO):
        result = CliRunner().invoke(flask_cli, ["--app", "server", "db", "upgrade"], env=env)

    assert result.exit_code == 0, result.output
    assert "database at head" in result.output
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert any("Running upgrade" in r.getMessage() for r in caplog.records)


def test_a_web_process_starting_on_a_database_behind_logs_it_and_changes_nothing(behind_postgres, tmp_path,
                                                                                 redis_url, caplog):
    env = {**TEST_ENV, "DATABASE_URL": behind_postgres, "REDIS_URL": redis_url, "ONWARD_VAR_DIR": str(tmp_path)}

    with caplog.at_level(logging.INFO):
        app = create_app(load_settings(env))

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "the database is behind this release: run `flask --app server db upgrade`"]
    assert not any("Running upgrade" in r.getMessage() for r in caplog.records)
    app.extensions["onward"].db.dispose()
