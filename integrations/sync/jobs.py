"""The RQ job that performs one integration job row (see integrations/sync/__init__.py).

    claim     the row is still pending, its tenant and booking exist, the step is still
              wanted (a deposit only for a booking still held); count the attempt, so a
              duplicate job running at once backs off, and lease the row for LEASE so the
              sweeper leaves it alone while the attempt runs (and retries it if the worker dies)
    perform   through the tenant's Crm or Payments, outside any transaction
    settle    done: store what came back (the external id on the customer; the payment
              link, texted to the customer); a temporary error: try again after a backoff,
              up to MAX_ATTEMPTS; a permanent error or the last attempt: failed, and the
              operator is texted once
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import update
from sqlalchemy.orm import Session

from agents.templates.words import Words
from config.schema import Tenant
from integrations.crm import ContactChange, CrmResult, make_crm
from integrations.errors import IntegrationError, PermanentError
from integrations.payments import DepositRequest, PaymentLink, make_payments
from integrations.sync import JobState, Step
from integrations.sync.notices import queue_deposit_link, queue_failure_notice, service_name
from runtime import Runtime, current_runtime
from store.db import utcnow
from store.models import Booking, Customer, IntegrationJob

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)  # an attempt's row is not due again meanwhile: a dead worker's is, after
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


@dataclass(frozen=True)
class Work:
    """One claimed attempt: plain values, so no ORM object outlives its session."""

    row_id: int
    tenant: Tenant
    kind: str
    key: str
    attempt: int
    request: ContactChange | DepositRequest


def run_integration_job(row_id: int) -> str:
    """Perform integration job `row_id` once; return what became of it (for RQ's result)."""
    runtime = current_runtime()
    work = claim(runtime, row_id, utcnow())
    if work is None:
        return "skipped"
    try:
        outcome = PERFORMERS[work.kind](runtime, work)
    except IntegrationError as exc:
        return settle_error(runtime, work, exc, utcnow())
    settle_done(runtime, work, outcome, utcnow())
    return "done"


def claim(runtime: Runtime, row_id: int, now: datetime) -> Work | None:
    with runtime.db.session() as session:
        job = session.get(IntegrationJob, row_id)
        if job is None or job.state != JobState.PENDING:
            log.info("integration job %s: nothing to do", row_id)
            return None
        tenant = runtime.tenants.get(job.tenant)
        booking = session.get(Booking, job.booking_id)
        if tenant is None or booking is None:
            fail(job, f"tenant {job.tenant} or booking {job.booking_id} is gone")
            return None
        if job.attempts >= MAX_ATTEMPTS:  # its attempts ended without an answer (a crash, a dead worker)
            fail(job, job.last_error or f"{job.attempts} attempts ended without an answer")
            queue_failure_notice(session, tenant, booking, job.kind, job.attempts, job.last_error)
            return None
        reason = reason_to_skip(tenant, job, booking, now)
        if reason:
            job.state, job.result = JobState.DONE, {"skipped": reason}
            return None
        won = session.execute(
            update(IntegrationJob)
            .where(IntegrationJob.id == row_id, IntegrationJob.attempts == job.attempts,
                   IntegrationJob.state == JobState.PENDING)
            .values(attempts=IntegrationJob.attempts + 1, next_try_at=now + LEASE)
            .execution_options(synchronize_session=False)).rowcount
        if not won:
            return None
        customer = session.get(Customer, booking.customer_id)
        request = REQUESTS[job.kind](tenant, job, booking, customer, now)
        return Work(row_id, tenant, job.kind, job.idempotency_key, job.attempts + 1, request)


def reason_to_skip(tenant: Tenant, job: IntegrationJob, booking: Booking, now: datetime) -> str | None:
    if job.kind == Step.CRM and tenant.integrations.http_crm is None:
        return "the tenant's CRM is the built-in one now"
    if job.kind == Step.DEPOSIT and not awaits_payment(booking, now):
        return f"booking is {booking.state}, not awaiting payment"
    return None


def awaits_payment(booking: Booking, now: datetime) -> bool:
    return booking.state == "held" and (booking.hold_expires_at is None or booking.hold_expires_at > now)


def contact_change(tenant: Tenant, job: IntegrationJob, booking: Booking, customer: Customer,
                   now: datetime) -> ContactChange:
    # The booking as it stands now: a late retry of "booked" does not undo a cancellation.
    return ContactChange(
        tenant_id=tenant.tenant, tenant_name=tenant.name, customer_id=customer.id,
        customer_phone=customer.phone, customer_name=customer.name,
        customer_external_id=customer.external_id, booking_id=booking.id, service=booking.service,
        service_name=service_name(tenant, booking.service), start=booking.start.astimezone(tenant.zone),
        end=booking.end.astimezone(tenant.zone), state=booking.state, change=job.change,
        price=booking.price, deposit=booking.deposit)


def deposit_request(tenant: Tenant, job: IntegrationJob, booking: Booking, customer: Customer,
                    now: datetime) -> DepositRequest:
    # The link lives for the payment window from now; the hold is stretched to match on success.
    return DepositRequest(
        tenant=tenant.tenant, booking_id=booking.id, amount=booking.deposit,
        description=f"Deposit: {service_name(tenant, booking.service)}, {Words(tenant).when(booking.start)}",
        customer_phone=customer.phone, expires_at=now + tenant.integrations.stripe.pay_within)


def upsert_contact(runtime: Runtime, work: Work) -> CrmResult:
    crm = make_crm(work.tenant)  # an outside CRM: the built-in one is written with the booking
    return crm.upsert_contact(work.request, idempotency_key=work.key)


def request_deposit(runtime: Runtime, work: Work) -> PaymentLink:
    payments = make_payments(work.tenant, runtime.settings)
    return payments.request_deposit(work.request, idempotency_key=work.key)


REQUESTS: dict[str, Callable] = {Step.CRM: contact_change, Step.DEPOSIT: deposit_request}
PERFORMERS: dict[str, Callable] = {Step.CRM: upsert_contact, Step.DEPOSIT: request_deposit}


def settle_done(runtime: Runtime, work: Work, outcome: CrmResult | PaymentLink, now: datetime) -> None:
    with runtime.db.session() as session:
        job = session.get(IntegrationJob, work.row_id)
        if job.state != JobState.PENDING:
            return
        job.state, job.last_error = JobState.DONE, None
        booking = session.get(Booking, job.booking_id)
        if isinstance(outcome, CrmResult):
            record_contact(session, booking, outcome, job)
        else:
            record_link(session, work.tenant, booking, outcome, job, now)
    log.info("integration job %s (%s): done", work.row_id, work.kind)


def record_contact(session: Session, booking: Booking, outcome: CrmResult, job: IntegrationJob) -> None:
    job.result = {"external_id": outcome.external_id}
    if outcome.external_id is not None:
        session.get(Customer, booking.customer_id).external_id = outcome.external_id


def record_link(session: Session, tenant: Tenant, booking: Booking, link: PaymentLink,
                job: IntegrationJob, now: datetime) -> None:
    job.result = {"reference": link.reference, "url": link.url, "expires_at": link.expires_at.isoformat()}
    if not awaits_payment(booking, now):
        return  # released or cancelled while the link was made: nothing to pay for
    if booking.hold_expires_at is None or booking.hold_expires_at < link.expires_at:
        booking.hold_expires_at = link.expires_at
    customer = session.get(Customer, booking.customer_id)
    queue_deposit_link(session, tenant, booking, customer.phone, link.url, link.expires_at, customer.language)


def settle_error(runtime: Runtime, work: Work, exc: IntegrationError, now: datetime) -> str:
    final = isinstance(exc, PermanentError) or work.attempt >= MAX_ATTEMPTS
    with runtime.db.session() as session:
        job = session.get(IntegrationJob, work.row_id)
        if job.state != JobState.PENDING:
            return job.state
        if not final:
            job.last_error = str(exc)
            job.next_try_at = now + BACKOFF[min(work.attempt, len(BACKOFF)) - 1]
            log.warning("integration job %s (%s): attempt %d failed, next at %s: %s",
                        work.row_id, work.kind, work.attempt, job.next_try_at.isoformat(), exc)
            return "retrying"
        fail(job, str(exc))
        booking = session.get(Booking, job.booking_id)
        queue_failure_notice(session, work.tenant, booking, work.kind, work.attempt, str(exc))
    return "failed"


def fail(job: IntegrationJob, error: str) -> None:
    job.state, job.last_error = JobState.FAILED, error
    log.error("integration job %s (%s): failed for good: %s", job.id, job.kind, error)
