"""Fixtures for the confirmation layer: apps wired to a fake Twilio API, and helpers
to queue a text and to run the queue with a real RQ worker."""
from __future__ import annotations

import pytest
from rq import SimpleWorker

from config.settings import load_settings
from confirmations.outbox import queue_message
from server import create_app
from tests.conftest import HARBOR_NUMBER, twilio_env

TENANT = "harbor-barbers"
CUSTOMER = "+16175550199"


@pytest.fixture
def make_app(env):
    """Build apps on the test's database and Redis; settings overrides as keywords."""
    apps = []

    def make(extra_env: dict | None = None, flush: bool = True, **overrides):
        app = create_app(load_settings({**env, **(extra_env or {})}, **overrides))
        if flush:
            app.extensions["onward"].redis.flushdb()
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["onward"].db.dispose()


@pytest.fixture
def twilio_app(make_app, twilio_api):
    """Sends through the fake Twilio API; failed sends are retried at once (no waiting)."""
    app = make_app(twilio_env(twilio_api.url), send_retry_intervals=(0, 0, 0))
    with app.app_context():
        yield app


@pytest.fixture
def twilio_runtime(twilio_app):
    return twilio_app.extensions["onward"]


def queue_text(runtime, body: str = "Your appointment is confirmed.", to: str = CUSTOMER,
               **extra) -> int:
    """Queue one outbound text in its own committed transaction; return the row id."""
    with runtime.db.session() as session:
        message = queue_message(session, tenant=TENANT, to=to, from_=HARBOR_NUMBER, body=body,
                                purpose=extra.pop("purpose", "confirmation"), **extra)
    return message.id


def run_worker(runtime) -> bool:
    """Run every job on the queue in this process, as a burst worker; needs an app context."""
    return SimpleWorker([runtime.queue], connection=runtime.redis).work(burst=True)
