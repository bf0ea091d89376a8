"""The long-lived parts one process shares: settings, database, tenants, Redis, queue, sender.

Built once by create_app(); views, jobs and commands reach it through current_runtime().
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask import current_app
from redis import Redis
from rq import Queue

from config.loader import load_directory
from config.settings import Settings
from integrations.messaging import Messaging, make_messaging
from routing.tenants import TenantDirectory
from store.after_commit import install_after_commit
from store.db import Database
from store.migrate import bring_up_to_date
from store.redis import connect_redis

log = logging.getLogger(__name__)
QUEUE_NAME = "onward"


@dataclass
class Runtime:
    settings: Settings
    db: Database
    tenants: TenantDirectory
    schema_behind: bool = False  # a database other than SQLite, not yet migrated to this release

    @cached_property
    def redis(self) -> Redis:
        # Connected on first use, so commands that need no queue start no Redis.
        return connect_redis(self.settings)

    @cached_property
    def messaging(self) -> Messaging:
        return make_messaging(self.settings)

    @property
    def queue(self) -> Queue:
        return Queue(QUEUE_NAME, connection=self.redis)


def build_runtime(settings: Settings) -> Runtime:
    loaded = load_directory(settings.config_dir, settings.environ)
    for problem in loaded.problems:
        log.error("tenant config refused: %s", problem)
    from agents.understanding.named_days import load_calendars  # the first takes 0.1 s: not on a customer's text

    load_calendars({tenant.country for tenant in loaded.tenants}, date.today().year)
    if settings.openai_api_key:  # the model client takes seconds to import: not on the first text's time
        from agents.understanding import engine_for
        from agents.understanding.examples import load_examples

        engine_for(settings)
        load_examples()
    db = Database(settings.database_url)
    runtime = Runtime(settings=settings, db=db, tenants=TenantDirectory(loaded.tenants),
                      schema_behind=bring_up_to_date(db))
    return install_after_commit(runtime)


def report_schema(runtime: Runtime) -> None:
    """Log an error when the database is behind this release: at a web process's start,
    and at the start of the commands that work on the data (not `db upgrade`)."""
    if runtime.schema_behind:
        log.error("the database is behind this release: run `flask --app server db upgrade`")


def current_runtime() -> Runtime:
    return current_app.extensions["onward"]
