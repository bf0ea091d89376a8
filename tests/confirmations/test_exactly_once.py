"""A text whose send attempt reached Twilio but whose answer never came back (the worker
killed mid-call, a read timeout) is looked up in Twilio's Messages list when it is tried
again, and its sid adopted: the customer gets it once."""
from __future__ import annotations

import time
from datetime import timedelta

from rq.registry import StartedJobRegistry
from sqlalchemy import update

from integrations.messaging.twilio import TwilioMessaging
from runtime import QUEUE_NAME
from store.db import utcnow
from store.models import Message
from tests.conftest import twilio_env
from tests.confirmations.conftest import queue_text, run_worker
from tests.fakes.twilio_api import Fail, Stall
from tests.workers import kill, start_worker


def row(runtime, message_id: int) -> Message:
    with runtime.db.session() as session:
        return session.get(Message, message_id)


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_after_twilio_took_the_text_does_not_send_it_twice(env, tmp_path, twilio_runtime,
                                                                            twilio_api):
    twilio_api.script(Stall())  # Twilio takes the text; its answer never gets back
    worker = start_worker({**env, **twilio_env(twilio_api.url)}, tmp_path / "worker.log", maintenance=600)
    try:
        message_id = queue_text(twilio_runtime, body="You're booked: Haircut, Sat 3:00 PM.")
        wait_for(lambda: len(twilio_api.messages) == 1)
    finally:
        kill(worker)  # kill -9 between Twilio's POST and the commit

    # A minute on, RQ's maintenance finds the job abandoned and retries it.
    StartedJobRegistry(QUEUE_NAME, connection=twilio_runtime.redis).cleanup(timestamp=time.time() + 3600)
    run_worker(twilio_runtime)

    [message] = twilio_api.messages
    sent = row(twilio_runtime, message_id)
    assert (sent.provider_sid, sent.status, sent.attempts, sent.attempted_at) == (message["sid"], "sent", 2, None)
    assert [r.method for r in twilio_api.requests] == ["POST", "GET"]
    [lookup] = [r for r in twilio_api.requests if r.method == "GET"]
    assert lookup.value("To") == sent.to_phone and lookup.value("From") == sent.from_phone
    assert lookup.value("DateSent>") is not None


def test_a_read_timeout_after_twilio_took_the_text_is_reconciled_not_resent(twilio_runtime, twilio_api):
    twilio_runtime.messaging = TwilioMessaging(twilio_runtime.settings, timeout=0.3)
    twilio_api.script(Stall())
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)  # times out, RQ retries at once (test settings)

    [message] = twilio_api.messages
    sent = row(twilio_runtime, message_id)
    assert (sent.provider_sid, sent.attempts, sent.attempted_at, sent.error) == (message["sid"], 2, None, None)


def test_an_unanswered_attempt_that_never_reached_twilio_is_sent(twilio_runtime, twilio_api):
    message_id = queue_text(twilio_runtime, body="Reminder: Haircut tomorrow at 3:00 PM.")
    queue_text(twilio_runtime, body="Reminder: Haircut tomorrow at 3:00 PM.")  # sent, same words
    twilio_runtime.queue.remove(f"send-{message_id}")
    run_worker(twilio_runtime)
    with twilio_runtime.db.session() as session:  # as if its worker died before the POST
        session.execute(update(Message).where(Message.id == message_id)
                        .values(attempts=1, attempted_at=utcnow() - timedelta(minutes=2)))
    twilio_runtime.queue.enqueue("confirmations.jobs.send_message", message_id)
    run_worker(twilio_runtime)

    # The other row's text matched the words but was already that row's: not adopted.
    assert [m["body"] for m in twilio_api.messages] == ["Reminder: Haircut tomorrow at 3:00 PM."] * 2
    sent = row(twilio_runtime, message_id)
    assert sent.provider_sid == twilio_api.messages[1]["sid"] and sent.attempts == 2


def test_a_failed_lookup_is_retried_and_nothing_is_sent_meanwhile(twilio_runtime, twilio_api):
    twilio_runtime.messaging = TwilioMessaging(twilio_runtime.settings, timeout=0.3)
    twilio_api.script(Stall(), Fail(503, code=20503))  # the POST is taken, the first lookup fails
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    assert [r.method for r in twilio_api.requests] == ["POST", "GET", "GET"]
    [message] = twilio_api.messages
    assert row(twilio_runtime, message_id).provider_sid == message["sid"]
