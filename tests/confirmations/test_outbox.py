"""The outbox: rows written in the caller's transaction, enqueued only after commit."""
from __future__ import annotations

import pytest
from rq.job import Job
from sqlalchemy import func, select

from confirmations.jobs import send_message
from confirmations.outbox import queue_message, send_job_id
from store.models import Customer, Message, OptOut
from tests.conftest import HARBOR_NUMBER
from tests.confirmations.conftest import CUSTOMER, TENANT, queue_text, run_worker


class Boom(Exception):
    pass


def rows(runtime) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def test_a_queued_text_is_written_and_enqueued_after_commit(runtime):
    with runtime.db.session() as session:
        message = queue_message(session, tenant=TENANT, to=CUSTOMER, from_=HARBOR_NUMBER,
                                body="Booked: Tue 3pm", purpose="confirmation",
                                media=["https://example.com/map.png"])
        assert message.id is not None
        assert runtime.queue.count == 0  # nothing leaves before the commit

    [row] = rows(runtime)
    assert (row.direction, row.status, row.tenant, row.to_phone, row.from_phone) == (
        "out", "queued", TENANT, CUSTOMER, HARBOR_NUMBER)
    assert row.media == ["https://example.com/map.png"] and row.attempts == 0
    assert row.enqueued_at is not None
    assert runtime.queue.job_ids == [send_job_id(row.id)]
    job = Job.fetch(send_job_id(row.id), connection=runtime.redis)
    assert job.func is send_message and job.args == (row.id,)


def test_the_job_retries_on_the_configured_backoff(runtime):
    message_id = queue_text(runtime)
    job = Job.fetch(send_job_id(message_id), connection=runtime.redis)
    intervals = list(runtime.settings.send_retry_intervals)
    assert job.retries_left == len(intervals)
    assert job.retry_intervals == intervals


def test_the_business_change_and_its_text_commit_together(runtime):
    with runtime.db.session() as session:
        session.add(Customer(tenant=TENANT, phone=CUSTOMER, name="Ana"))
        queue_text_in(session)

    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
    assert len(rows(runtime)) == 1 and runtime.queue.count == 1


def test_a_rolled_back_change_leaves_no_text_and_enqueues_nothing(runtime):
    with pytest.raises(Boom):
        with runtime.db.session() as session:
            session.add(Customer(tenant=TENANT, phone=CUSTOMER, name="Ana"))
            queue_text_in(session)
            raise Boom()

    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
    assert rows(runtime) == [] and runtime.queue.count == 0

    queue_text(runtime)  # the rolled-back id is forgotten, not enqueued with the next commit
    assert len(runtime.queue.job_ids) == 1


def test_an_opted_out_phone_gets_a_failed_row_that_never_reaches_twilio(twilio_runtime, twilio_api):
    with twilio_runtime.db.session() as session:
        session.add(OptOut(tenant=TENANT, phone=CUSTOMER))
    message_id = queue_text(twilio_runtime)
    run_worker(twilio_runtime)

    [row] = rows(twilio_runtime)
    assert row.id == message_id
    assert (row.status, row.error_code, row.error) == ("failed", "21610", "recipient opted out")
    assert row.enqueued_at is None and twilio_runtime.queue.count == 0
    assert twilio_api.requests == []


def test_an_opt_out_is_per_tenant(runtime):
    with runtime.db.session() as session:
        session.add(OptOut(tenant="north-nails", phone=CUSTOMER))
    queue_text(runtime)
    [row] = rows(runtime)
    assert row.status == "queued"


def test_a_redis_outage_does_not_fail_the_commit(make_app, runtime):
    dead = make_app({"REDIS_URL": "redis://127.0.0.1:1/0"}, flush=False).extensions["onward"]
    with dead.db.session() as session:
        session.add(Customer(tenant=TENANT, phone=CUSTOMER, name="Ana"))
        queue_text_in(session)

    [row] = rows(runtime)
    assert row.status == "queued" and row.enqueued_at is None  # left for the sweeper
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1


def test_an_empty_backoff_means_no_retry(make_app):
    runtime = make_app(send_retry_intervals=()).extensions["onward"]
    message_id = queue_text(runtime)
    job = Job.fetch(send_job_id(message_id), connection=runtime.redis)
    assert not job.retries_left


def queue_text_in(session) -> Message:
    return queue_message(session, tenant=TENANT, to=CUSTOMER, from_=HARBOR_NUMBER,
                         body="Booked: Tue 3pm", purpose="confirmation")
