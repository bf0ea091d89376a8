"""Engine and session factory. Sessions are opened by the caller (one per request,
one per job) and passed to the code that uses them."""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

GIVE_WAY_SECONDS = 0.5  # how long a bulk batch waits for a moment no other writer wants a turn


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # No server-side prepared statements: psycopg prepares a query after its 5th run, and
    # PostgreSQL may then keep a generic plan made while a table was small. A tick that puts
    # 100,000 runs into an empty table left every webhook scanning them all (p50 0.7 s, p99
    # 7.9 s at 100 texts a second on 2 cores; planned per execution: p50 25 ms, p99 91 ms).
    return create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Python's sqlite3 opens transactions itself; let SQLAlchemy's "begin" event do it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Take the write lock at the start of a transaction, so two writers queue up
    # behind busy_timeout instead of failing with "database is locked" on upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str, give_way: float = GIVE_WAY_SECONDS):
        self.url, self.give_way = url, give_way
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._lock_path = _sqlite_lock_path(url)

    @contextmanager
    def session(self, bulk: bool = False) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error.
        `bulk`: one of many transactions of a long job (the scheduler's batches), which
        gives way to every other writer (writer_turn)."""
        with self.writer_turn(bulk), self.sessionmaker() as session, session.begin():
            yield session

    @contextmanager
    def writer_turn(self, bulk: bool = False) -> Iterator[None]:
        """On SQLite, wait for our turn on an OS file lock before the transaction starts.

        SQLite's own busy handler polls with sleeps of up to 100 ms, which turns a few
        concurrent webhooks into long tail latencies; a blocked flock wakes the moment
        the holder is done. Each turn opens its own descriptors, so threads queue too.

        flock is not fair: a job that commits batch after batch takes the lock again
        before the woken webhooks are scheduled, and they wait for the whole job (2 s
        of a 4 s tick at 100 req/s). So a writer holds a shared lock on a second file,
        `.waiting`, from before its turn to the end of it, and a bulk writer starts a
        batch once it gets that file exclusively: when no one else wants a turn. Under
        load that never pauses there is no such moment, so after `give_way` seconds the
        batch queues like any other writer: the job goes on, a batch at a time.
        """
        if self._lock_path is None:
            yield
            return
        waiting = os.open(self._lock_path + ".waiting", os.O_RDWR | os.O_CREAT, 0o600)
        turn = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if bulk:
                _wait_for_no_one(waiting, self.give_way)
            else:
                fcntl.flock(waiting, fcntl.LOCK_SH)
            fcntl.flock(turn, fcntl.LOCK_EX)
            if bulk:  # others may queue behind this batch now, and go before the next
                fcntl.flock(waiting, fcntl.LOCK_UN)
            yield
        finally:
            os.close(turn)  # closing a descriptor releases its lock
            os.close(waiting)

    def dispose(self) -> None:
        self.engine.dispose()


def _wait_for_no_one(waiting: int, seconds: float) -> None:
    """Take `waiting` exclusively (no writer wants a turn), or give up after `seconds`.
    Polled: a blocking flock can't time out, and a bulk job can afford 5 ms steps."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(waiting, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return
            time.sleep(0.005)


def _sqlite_lock_path(url: str) -> str | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.endswith(":memory:"):
        return None
    return url[len(prefix):] + ".lock"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
