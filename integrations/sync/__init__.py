"""Booking changes carried to the outside systems, through integration jobs.

    queue_booking_sync(session, tenant, booking, change, now)
        in the booking's own transaction: one IntegrationJob row per outside write
            (a CRM upsert when the CRM is an outside one; a deposit payment link when a
        booking is booked, its service has a deposit and a payments provider is configured)
    after commit
        one RQ job per row goes on the queue (integrations/sync/jobs.py; store/after_commit.py,
        kind SYNC)
    a failed step
        stays pending with a later next_try_at; the sweeper re-enqueues it when due
        (store/sweeper.py); after MAX_ATTEMPTS, or at once on a permanent error, it is
        marked failed and the operator is texted once

Every write carries an idempotency key: tenant, booking, change, its ordinal and the step,
the same on every retry of that write.
"""
from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from config.schema import Service, Tenant
from store.after_commit import JobKind, enqueue_after_commit
from store.models import Booking, IntegrationJob

log = logging.getLogger(__name__)

CHANGES = ("booked", "rescheduled", "cancelled", "paid")  # paid: the deposit webhook confirmed it
RUN_JOB = "integrations.sync.jobs.run_integration_job"  # by name: the job module imports the runtime
JOB_TIMEOUT = 120  # seconds; every outside call times out well before


class Step(StrEnum):
    CRM = "crm.upsert_contact"
    DEPOSIT = "payments.request_deposit"


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


def service_of(tenant: Tenant, service_id: str) -> Service | None:
    return next((s for s in tenant.services if s.id == service_id), None)


def deposit_requires_payment(tenant: Tenant, service_id: str) -> bool:
    """True only when the service has a deposit AND a payments provider is configured."""
    service = service_of(tenant, service_id)
    return service is not None and service.deposit > 0 and tenant.integrations.stripe is not None


def queue_booking_sync(session: Session, tenant: Tenant, booking: Booking, change: str,
                       now: datetime) -> None:
    """Write the outside writes this booking change needs, in the caller's transaction.

    A booking waiting for its deposit keeps (or gets) hold_expires_at: it is held until
    the payment window ends and is released like any expired hold if unpaid.
    """
    if change not in CHANGES:
        raise ValueError(f"change must be one of {', '.join(CHANGES)}, not {change!r}")
    if booking.id is None:
        session.flush()
    for step in steps_for(tenant, booking, change):
        add_job(session, tenant.tenant, booking.id, change, step, now)
    if change == "booked" and deposit_requires_payment(tenant, booking.service):
        hold_for_payment(tenant, booking, now)


def steps_for(tenant: Tenant, booking: Booking, change: str) -> list[Step]:
    steps = []
    if tenant.integrations.http_crm is not None:
        steps.append(Step.CRM)
    if change == "booked" and deposit_requires_payment(tenant, booking.service):
        steps.append(Step.DEPOSIT)
    return steps


def hold_for_payment(tenant: Tenant, booking: Booking, now: datetime) -> None:
    if booking.state != "held":
        return
    window_ends = now + tenant.integrations.stripe.pay_within
    if booking.hold_expires_at is None or booking.hold_expires_at < window_ends:
        booking.hold_expires_at = window_ends


def add_job(session: Session, tenant: str, booking_id: int, change: str, step: Step,
            now: datetime) -> IntegrationJob | None:
    """Write one job row; a booking is booked or cancelled once, rescheduled any number of times."""
    earlier = session.scalar(select(func.count(IntegrationJob.id)).where(
        IntegrationJob.booking_id == booking_id, IntegrationJob.change == change,
        IntegrationJob.kind == step))
    if earlier and change != "rescheduled":
        return None
    job = IntegrationJob(tenant=tenant, booking_id=booking_id, kind=step, change=change,
                         idempotency_key=idempotency_key(tenant, booking_id, change, earlier + 1, step),
                         state=JobState.PENDING, attempts=0, next_try_at=now, result={})
    session.add(job)
    session.flush()
    enqueue_after_commit(session, SYNC, [job.id])
    return job


def idempotency_key(tenant: str, booking_id: int, change: str, ordinal: int, step: str) -> str:
    return f"onward-{tenant}-booking-{booking_id}-{change}-{ordinal}-{step}"


def job_id(row_id: int, attempts: int) -> str:
    # The RQ job id names the attempt, so the commit hook and the sweeper offering the same
    # attempt put one job on the queue, and a later retry is a new job.
    return f"integration-{row_id}-{attempts + 1}"


def due_rows(now: datetime) -> Select:
    """Pending rows whose (next) attempt is due: never enqueued (Redis was down at commit),
    a failed attempt whose backoff is over, an attempt whose worker died (its lease over)."""
    return (select(IntegrationJob)
            .where(IntegrationJob.state == JobState.PENDING, IntegrationJob.next_try_at <= now)
            .order_by(IntegrationJob.next_try_at, IntegrationJob.id))


def retry_given_up(row: IntegrationJob, status: str) -> bool:
    """RQ gave up on the attempt's job (it crashed, its worker died): offered again; the
    job's claim counts attempts and fails the row after MAX_ATTEMPTS."""
    return False


SYNC = JobKind(name="sync", model=IntegrationJob, func=RUN_JOB, timeout=JOB_TIMEOUT, job_id=job_id,
               due=due_rows, gave_up=retry_given_up)
