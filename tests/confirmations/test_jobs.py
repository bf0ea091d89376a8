"""The send job with a real RQ worker: console and Twilio senders, retries with backoff,
permanent failures, opt-outs, and the `worker --burst` command."""
from __future__ import annotations

from datetime import timedelta

import pytest
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler
from twilio.request_validator import RequestValidator

from confirmations.jobs import send_message
from confirmations.outbox import send_job_id
from integrations.messaging.twilio import TwilioMessaging
from runtime import QUEUE_NAME
from store.db import utcnow
from store.models import Message, OptOut
from tests.conftest import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, twilio_env
from tests.confirmations.conftest import CUSTOMER, TENANT, queue_text, run_worker
from tests.fakes.twilio_api import Fail, Hang


def row(runtime, message_id: int) -> Message:
    with runtime.db.session() as session:
        return session.get(Message, message_id)


def test_the_console_sender_records_the_text(app, runtime, capsys):
    message_id = queue_text(runtime, body="Your cut is booked.")
    with app.app_context():
        run_worker(runtime)

    sent = row(runtime, message_id)
    assert (sent.status, sent.provider_sid, sent.attempts) == ("console", None, 1)
    assert "Your cut is booked." in capsys.readouterr().out
    assert [t.body for t in runtime.messaging.sent] == ["Your cut is booked."]


def test_twilio_is_asked_for_status_callbacks_at_the_public_url(twilio_runtime, twilio_api):
    message_id = queue_text(twilio_runtime, media=["https://example.com/receipt.png"])
    run_worker(twilio_runtime)

    [request] = twilio_api.requests
    assert request.value("StatusCallback") == PUBLIC_BASE_URL + "/twilio/status"
    assert request.value("To") == CUSTOMER and request.form["MediaUrl"] == ["https://example.com/receipt.png"]
    sent = row(twilio_runtime, message_id)
    assert sent.provider_sid.startswith("SM") and sent.status == "queued"
    assert (sent.attempts, sent.error, sent.error_code) == (1, None, None)


@pytest.mark.parametrize("failure", [Fail(500, code=20500), Fail(429, code=20429), Hang()],
                         ids=["server-error", "rate-limited", "timeout"])
def test_a_temporary_failure_is_retried_until_it_goes_out(twilio_runtime, twilio_api, failure):
    twilio_runtime.messaging = TwilioMessaging(twilio_runtime.settings, timeout=0.3)
    twilio_api.script(failure)
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    assert len(twilio_api.posts) == 2 and len(twilio_api.sent) == 1  # a timed-out POST: looked up first
    sent = row(twilio_runtime, message_id)
    assert sent.provider_sid == sent_sid(twilio_api) and sent.status == "queued"
    assert (sent.attempts, sent.error, sent.error_code, sent.attempted_at) == (2, None, None, None)


def test_a_failed_send_waits_for_its_backoff_and_is_not_sent_twice(make_app, twilio_api):
    app = make_app(twilio_env(twilio_api.url))  # the default backoff: 30 s first
    runtime = app.extensions["onward"]
    twilio_api.script(Fail(500, code=20500))
    message_id = queue_text(runtime)
    with app.app_context():
        run_worker(runtime)
        run_worker(runtime)  # nothing is due yet

    waiting = row(runtime, message_id)
    assert (waiting.status, waiting.provider_sid, waiting.attempts) == ("queued", None, 1)
    assert waiting.error_code == "20500" and "HTTP 500" in waiting.error
    registry = ScheduledJobRegistry(QUEUE_NAME, connection=runtime.redis)
    assert registry.get_job_ids() == [send_job_id(message_id)]
    delay = registry.get_scheduled_time(send_job_id(message_id)) - utcnow()
    assert timedelta(seconds=25) < delay <= timedelta(seconds=31)
    assert len(twilio_api.requests) == 1


@pytest.mark.parametrize("code", [21610, 21211])
def test_a_permanent_failure_fails_the_row_at_once(twilio_runtime, twilio_api, code):
    twilio_api.script(Fail(400, code=code, message="refused"))
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    failed = row(twilio_runtime, message_id)
    assert (failed.status, failed.error_code, failed.attempts) == ("failed", str(code), 1)
    assert "refused" in failed.error
    assert len(twilio_api.requests) == 1
    assert twilio_runtime.queue.count == 0
    assert ScheduledJobRegistry(QUEUE_NAME, connection=twilio_runtime.redis).count == 0


def test_when_retries_run_out_the_row_is_failed_not_dropped(twilio_runtime, twilio_api):
    twilio_api.script(*[Fail(503)] * 4)  # the first try and three retries
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    failed = row(twilio_runtime, message_id)
    assert (failed.status, failed.error_code, failed.attempts) == ("failed", "503", 4)
    assert len(twilio_api.requests) == 4 and twilio_api.sent == []


def test_an_unreachable_handset_is_tried_once_more_then_failed(twilio_runtime, twilio_api):
    twilio_api.script(*[Fail(400, code=30003, message="unreachable destination handset")] * 3)
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    failed = row(twilio_runtime, message_id)
    assert (failed.status, failed.error_code, failed.attempts) == ("failed", "30003", 2)
    assert len(twilio_api.requests) == 2  # one retry, though RQ had three


def test_an_unreachable_handset_reported_by_callback_is_sent_once_more(twilio_app, twilio_runtime, twilio_api):
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)
    first_sid = sent_sid(twilio_api)
    callback = {"MessageSid": first_sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    client = twilio_app.test_client()

    assert status_post(client, callback).status_code == 204
    waiting = row(twilio_runtime, message_id)
    assert (waiting.status, waiting.provider_sid, waiting.error_code) == ("queued", None, "30003")
    run_worker(twilio_runtime)  # the send job was queued when the callback committed
    again = row(twilio_runtime, message_id)
    assert len(twilio_api.sent) == 2 and again.provider_sid == twilio_api.sent[1].sid != first_sid
    assert again.attempts == 2

    assert status_post(client, {**callback, "MessageSid": again.provider_sid}).status_code == 204
    run_worker(twilio_runtime)
    failed = row(twilio_runtime, message_id)
    assert (failed.status, failed.error_code) == ("undelivered", "30003") and len(twilio_api.sent) == 2
    assert status_post(client, {**callback, "MessageStatus": "delivered"}).status_code == 204
    assert row(twilio_runtime, message_id).status == "undelivered"  # the first sid is no longer this row's


def status_post(client, params: dict):
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + "/twilio/status", params)
    return client.post("/twilio/status", data=params, headers={"X-Twilio-Signature": signature})


def test_a_phone_that_opts_out_before_the_send_is_not_texted(twilio_runtime, twilio_api):
    message_id = queue_text(twilio_runtime)
    with twilio_runtime.db.session() as session:
        session.add(OptOut(tenant=TENANT, phone=CUSTOMER))
    run_worker(twilio_runtime)

    failed = row(twilio_runtime, message_id)
    assert (failed.status, failed.error_code) == ("failed", "21610")
    assert twilio_api.requests == []


def test_running_the_job_again_sends_nothing_again(twilio_runtime, twilio_api):
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    assert send_message(message_id) == "skipped"
    assert send_message(10_000) == "skipped"
    assert len(twilio_api.requests) == 1
    assert row(twilio_runtime, message_id).attempts == 1


def test_an_inbound_row_is_never_sent(twilio_runtime, twilio_api):
    with twilio_runtime.db.session() as session:
        inbound = Message(tenant=TENANT, direction="in", to_phone="+16175550100", from_phone=CUSTOMER,
                          body="hi", purpose="reply", status="queued")
        session.add(inbound)
    assert send_message(inbound.id) == "skipped"
    assert twilio_api.requests == []


def test_worker_burst_sends_what_is_queued_and_exits(twilio_app, twilio_runtime, twilio_api):
    message_id = queue_text(twilio_runtime)
    result = twilio_app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    assert "every due job has run" in result.output
    assert row(twilio_runtime, message_id).provider_sid == sent_sid(twilio_api)


def test_worker_burst_runs_a_due_retry_even_when_another_scheduler_holds_the_lock(
        make_app, twilio_api):
    app = make_app(twilio_env(twilio_api.url))
    runtime = app.extensions["onward"]
    twilio_api.script(Fail(500))
    message_id = queue_text(runtime)
    with app.app_context():
        run_worker(runtime)
    registry = ScheduledJobRegistry(QUEUE_NAME, connection=runtime.redis)
    job = runtime.queue.fetch_job(send_job_id(message_id))
    registry.schedule(job, utcnow() - timedelta(seconds=1))  # its 30 s have passed
    runtime.redis.set(RQScheduler.get_locking_key(QUEUE_NAME), "another-worker", ex=60)

    result = app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    assert len(twilio_api.requests) == 2
    sent = row(runtime, message_id)
    assert sent.provider_sid == sent_sid(twilio_api) and sent.attempts == 2
    assert registry.count == 0


def sent_sid(api) -> str:
    [accepted] = api.sent
    return accepted.sid
