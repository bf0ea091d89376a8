"""The sweeper (store/sweeper.py) on the outbox, and the scheduler tick that runs it:
rows that never reached Redis, or that Redis lost, are enqueued again and sent exactly once."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from rq.cron import CronScheduler
from rq.job import Job
from sqlalchemy import update

from confirmations.outbox import GRACE, OUTBOX, STALE_AFTER, send_job_id
from recurring.jobs import tick_job
from recurring.scheduler import TickResult, tick
from runtime import QUEUE_NAME
from store.db import utcnow
from store.models import Message
from store.sweeper import sweep
from tests.conftest import twilio_env
from tests.confirmations.conftest import queue_text, run_worker

LATER = timedelta(minutes=1)  # past the sweeper's grace for rows just written


def sweep_outbox(runtime, now: datetime) -> int:
    return sweep(runtime, OUTBOX, now)


def row(runtime, message_id: int) -> Message:
    with runtime.db.session() as session:
        return session.get(Message, message_id)


def set_row(runtime, message_id: int, **values) -> None:
    with runtime.db.session() as session:
        session.execute(update(Message).where(Message.id == message_id).values(**values))


def never_enqueued(runtime, message_id: int) -> None:
    """As if the commit hook had found Redis down."""
    runtime.redis.delete(Job.key_for(send_job_id(message_id)))
    runtime.queue.empty()
    set_row(runtime, message_id, enqueued_at=None)


def test_a_row_that_never_reached_redis_is_enqueued(runtime):
    message_id = queue_text(runtime)
    never_enqueued(runtime, message_id)

    assert sweep_outbox(runtime, utcnow() + LATER) == 1
    assert runtime.queue.job_ids == [send_job_id(message_id)]
    assert row(runtime, message_id).enqueued_at is not None
    assert sweep_outbox(runtime, utcnow() + LATER) == 0  # enqueued now: left alone


def test_a_row_just_committed_is_left_to_its_commit_hook(runtime):
    message_id = queue_text(runtime)
    never_enqueued(runtime, message_id)
    assert sweep_outbox(runtime, utcnow() + GRACE / 2) == 0
    assert runtime.queue.count == 0


def test_a_row_whose_job_redis_lost_is_enqueued_again(runtime):
    message_id = queue_text(runtime)
    stale = utcnow() + STALE_AFTER + LATER
    assert sweep_outbox(runtime, stale) == 0  # its job is still there

    runtime.redis.flushdb()  # Redis lost everything
    assert sweep_outbox(runtime, utcnow() + LATER) == 0  # not stale yet
    assert sweep_outbox(runtime, stale) == 1
    assert runtime.queue.job_ids == [send_job_id(message_id)]


def test_a_row_whose_job_rq_gave_up_on_is_marked_failed(app, runtime):
    message_id = queue_text(runtime)
    set_row(runtime, message_id, error_code="20500", error="twilio HTTP 500")
    job = runtime.queue.fetch_job(send_job_id(message_id))
    runtime.queue.remove(job)
    job.set_status("failed")

    assert sweep_outbox(runtime, utcnow() + STALE_AFTER + LATER) == 0
    failed = row(runtime, message_id)
    assert (failed.status, failed.error_code, failed.error) == ("failed", "20500", "twilio HTTP 500")


def test_rows_never_enqueued_come_before_a_backlog_of_retries(runtime, monkeypatch):
    monkeypatch.setattr("store.sweeper.BATCH", 1)
    waiting = queue_text(runtime, body="retrying, its job alive")
    lost = queue_text(runtime, body="never reached Redis")
    never_enqueued(runtime, lost)
    runtime.queue.enqueue("confirmations.jobs.send_message", waiting, job_id=send_job_id(waiting))

    assert sweep_outbox(runtime, utcnow() + STALE_AFTER + LATER) == 1
    assert row(runtime, lost).enqueued_at is not None


def test_sent_failed_and_inbound_rows_are_not_swept(app, runtime):
    ids = [queue_text(runtime, body=f"text {n}") for n in range(3)]
    with app.app_context():
        run_worker(runtime)
    set_row(runtime, ids[1], status="failed", error="gave up")
    set_row(runtime, ids[2], direction="in", status="queued", provider_sid=None)
    runtime.redis.flushdb()
    for message_id in ids:
        set_row(runtime, message_id, enqueued_at=None)

    assert sweep_outbox(runtime, utcnow() + STALE_AFTER + LATER) == 0


def test_a_redis_outage_is_survived_and_the_text_goes_out_once(make_app, twilio_api):
    live = make_app(twilio_env(twilio_api.url), send_retry_intervals=(0, 0, 0))
    runtime = live.extensions["onward"]
    dead = make_app({**twilio_env(twilio_api.url), "REDIS_URL": "redis://127.0.0.1:1/0"}, flush=False)
    dead_runtime = dead.extensions["onward"]

    message_id = queue_text(dead_runtime)  # commits although Redis is down
    assert row(runtime, message_id).enqueued_at is None
    assert sweep_outbox(dead_runtime, utcnow() + LATER) == 0  # still down: nothing lost

    assert sweep_outbox(runtime, utcnow() + LATER) == 1
    assert sweep_outbox(runtime, utcnow() + LATER) == 0  # a second sweep adds nothing
    with live.app_context():
        run_worker(runtime)
        run_worker(runtime)

    assert len(twilio_api.requests) == 1
    sent = row(runtime, message_id)
    assert sent.provider_sid == twilio_api.sent[0].sid and sent.attempts == 1


def test_a_tick_sweeps_the_outbox(runtime):
    message_id = queue_text(runtime)
    never_enqueued(runtime, message_id)
    now = utcnow() + LATER

    result = tick(runtime, now)

    assert isinstance(result, TickResult)
    assert (result.now, result.outbox_enqueued) == (now, 1)
    assert send_job_id(message_id) in runtime.queue.job_ids
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.outbox_enqueued = 2
    with pytest.raises(ValueError):
        tick(runtime, datetime(2026, 11, 23, 9, 0))


def test_the_tick_job_runs_a_pass_at_the_real_time(app, runtime):
    with app.app_context():
        assert tick_job().startswith("tick at ")


def test_tick_command_runs_one_pass_at_the_given_time(runner, runtime):
    message_id = queue_text(runtime)
    never_enqueued(runtime, message_id)
    set_row(runtime, message_id, created_at=datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc))

    early = runner.invoke(args=["tick", "--now", "2026-11-23T08:00:10-05:00"])
    assert early.exit_code == 0, early.output
    assert "0 pending texts enqueued" in early.output

    result = runner.invoke(args=["tick", "--now", "2026-11-23T08:01:00-05:00"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("tick at 2026-11-23T13:01:00+00:00: ")
    assert "1 pending texts enqueued" in result.output
    assert send_job_id(message_id) in runtime.queue.job_ids


@pytest.mark.parametrize("value, problem", [
    ("garbage", "is not an ISO 8601 time"),
    ("2026-13-45T09:00:00Z", "is not an ISO 8601 time"),
    ("2026-11-23T09:00:00", "has no UTC offset"),
])
def test_tick_command_refuses_a_bad_time(runner, runtime, value, problem):
    result = runner.invoke(args=["tick", "--now", value])
    assert result.exit_code == 2
    assert problem in result.output
    assert "Traceback" not in result.output


def test_tick_command_defaults_to_the_real_time(runner, runtime):
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert f"tick at {utcnow().date().isoformat()}" in result.output


def test_rq_cron_enqueues_the_tick_every_minute(app, runtime):
    cron = CronScheduler(connection=runtime.redis)
    cron.load_config_from_file("config/cron.py")
    [job] = cron.get_jobs()
    assert (job.func, job.queue_name, job.interval) == (tick_job, QUEUE_NAME, 60)

    cron.enqueue_jobs()
    [tick_id] = runtime.queue.job_ids
    with app.app_context():
        run_worker(runtime)
    assert runtime.queue.fetch_job(tick_id).return_value().startswith("tick at ")
