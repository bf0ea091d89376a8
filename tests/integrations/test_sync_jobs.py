"""Integration jobs on the queue: written with the booking, enqueued after commit, found
again by the tick's sweeper when Redis lost them, a worker died, or RQ gave up on them."""
from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from redis import Redis
from rq.job import Job, JobStatus
from sqlalchemy import func, select

from agents.booking.notices import tell_operator
from integrations.sync import SYNC, job_id, queue_booking_sync
from integrations.sync.jobs import claim
from store.sweeper import sweep
from store.models import Booking, Customer, IntegrationJob
from tests.integrations.sync_fixtures import CRM_TOKEN as TOKEN
from tests.integrations.sync_fixtures import (CUSTOMER, OPERATOR, START, TENANT, book, crm, jobs_of,  # noqa: F401
                                              later, make_app, run_worker, texts_to)


def crm_yaml(url: str) -> str:
    return f"""
  calendar: builtin
  crm:
    http:
      url: {url}/contacts
      headers: {{Authorization: "Bearer {TOKEN}"}}
      body: {{phone: "{{customer.phone}}"}}
      id_field: data.id
  payments: none
"""


@pytest.fixture
def app(make_app, crm):
    app = make_app(crm_yaml(crm.url))
    with app.app_context():
        yield app


def sweep_integration_jobs(runtime, now: datetime) -> int:
    return sweep(runtime, SYNC, now)


def unreachable_redis() -> Redis:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5, socket_timeout=0.5)


def test_an_unknown_change_is_refused(runtime, session):
    with pytest.raises(ValueError, match="booked, rescheduled, cancelled, paid"):
        queue_booking_sync(session, runtime.tenants.get(TENANT), Booking(), "moved", datetime.now(timezone.utc))


def test_a_rolled_back_booking_leaves_no_job(runtime, crm):
    tenant = runtime.tenants.get(TENANT)
    with pytest.raises(RuntimeError):
        with runtime.db.session() as session:
            customer = Customer(tenant=TENANT, phone=CUSTOMER)
            session.add(customer)
            session.flush()
            booking = Booking(tenant=TENANT, customer_id=customer.id, service="haircut", start=START,
                              end=START + timedelta(minutes=30), state="confirmed", price=Decimal(35))
            session.add(booking)
            queue_booking_sync(session, tenant, booking, "booked", datetime.now(timezone.utc))
            raise RuntimeError("the booking transaction fails after the sync was queued")
    with runtime.db.session() as session:
        assert session.scalar(select(func.count(IntegrationJob.id))) == 0
    assert runtime.queue.count == 0


def test_with_redis_down_at_commit_the_booking_stays_and_the_tick_enqueues_later(runtime, crm):
    working = runtime.redis
    runtime.__dict__["redis"] = unreachable_redis()
    booking_id = book(runtime)  # commits; the enqueue after commit fails and is logged
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "pending" and job.enqueued_at is None

    runtime.__dict__["redis"] = working
    assert sweep_integration_jobs(runtime, later(0)) == 1
    run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "done" and len(crm.requests) == 1


def test_two_sweeps_at_once_put_one_job_on_the_queue(runtime, crm):
    booking_id = book(runtime)
    sweep_integration_jobs(runtime, later(1))
    sweep_integration_jobs(runtime, later(1))
    assert runtime.queue.count == 1
    run_worker(runtime)
    assert len(crm.requests) == 1 and jobs_of(runtime, booking_id)[0].state == "done"


def test_an_attempt_whose_worker_died_is_tried_again_after_its_lease(runtime, crm):
    booking_id = book(runtime)
    runtime.queue.empty()
    [job] = jobs_of(runtime, booking_id)
    assert claim(runtime, job.id, datetime.now(timezone.utc)) is not None  # ...and the worker dies here

    assert sweep_integration_jobs(runtime, later(2)) == 0  # the attempt may still be running
    assert sweep_integration_jobs(runtime, later(6)) == 1
    run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("done", 2) and len(crm.requests) == 1


def test_a_job_rq_gave_up_on_is_enqueued_again(runtime, crm):
    booking_id = book(runtime)
    [row] = jobs_of(runtime, booking_id)
    job = Job.fetch(job_id(row.id, 0), connection=runtime.redis)
    runtime.queue.remove(job)
    job.set_status(JobStatus.FAILED)  # as when the job crashed before it could claim the row

    assert sweep_integration_jobs(runtime, later(1)) == 1
    run_worker(runtime)
    assert jobs_of(runtime, booking_id)[0].state == "done"


def test_a_job_whose_tenant_changed_to_the_builtin_crm_is_dropped(runtime, crm, make_app):
    booking_id = book(runtime)
    runtime.queue.empty()
    builtin = make_app("  calendar: builtin\n  crm: builtin\n  payments: none\n")
    with builtin.app_context():
        other = builtin.extensions["onward"]
        sweep_integration_jobs(other, later(1))
        run_worker(other)
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "done" and "built-in" in job.result["skipped"] and crm.requests == []


def test_attempts_that_keep_dying_end_failed_and_the_operator_is_told(runtime, crm):
    booking_id = book(runtime)
    runtime.queue.empty()
    [row] = jobs_of(runtime, booking_id)
    for minutes in (6, 12, 18, 24, 30):  # each attempt's worker dies before it can answer
        assert claim(runtime, row.id, later(minutes)) is not None
    assert claim(runtime, row.id, later(36)) is None

    [row] = jobs_of(runtime, booking_id)
    assert (row.state, row.attempts) == ("failed", 5) and "without an answer" in row.last_error
    [notice] = texts_to(runtime, OPERATOR, "notice")
    assert f"booking #{booking_id}" in notice.body and crm.requests == []


def test_a_failed_write_reaches_the_operator_at_once_past_the_rate_limit(runtime, crm):
    booking_id = book(runtime)
    with runtime.db.session() as session:  # a routine notice to the operator a moment ago
        tell_operator(session, runtime.tenants.get(TENANT), "New booking: Haircut for Ana Lima.")
    runtime.queue.empty()
    [row] = jobs_of(runtime, booking_id)
    for minutes in (6, 12, 18, 24, 30):
        claim(runtime, row.id, later(minutes))
    claim(runtime, row.id, later(36))  # the write has failed for good

    routine, failure = texts_to(runtime, OPERATOR, "notice")
    assert f"booking #{booking_id}" in failure.body
    assert routine.status == failure.status == "queued"  # a hand-off is never held by the limit
