"""The database tables. Every row belongs to one tenant (its config id)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base, utcnow

Tenant = String(64)
Phone = String(20)
# Row ids are INTEGER columns: this is PostgreSQL's largest (SQLite's is larger still). An id
# from outside above it names no row, and must not reach a query, where it overflows.
MAX_ROW_ID = 2**31 - 1


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class MessageStatus(StrEnum):
    """Twilio's words, plus `console` for texts the console sender recorded."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CONSOLE = "console"
    RECEIVED = "received"
    HELD = "held"  # an unsolicited text over the rate limit, waiting (confirmations/throttle.py)
    BUNDLED = "bundled"  # a held text that went out inside a bundle (bundle_id)


class Interaction(Base):
    """One webhook or API call, normalised. provider_key makes replays harmless."""

    __tablename__ = "interactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant, index=True)
    provider_key: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    from_phone: Mapped[str] = mapped_column(Phone)
    to_phone: Mapped[str] = mapped_column(Phone)
    text: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reply: Mapped[str | None] = mapped_column(Text)  # the TwiML answered, replayed as is


class Message(Base):
    """A text in or out. Outbound rows are the outbox: written with the change that
    caused them, sent by a job after commit."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_tenant_created", "tenant", "created_at"),
                      Index("ix_messages_outbox", "status", "provider_sid"),
                      Index("ix_messages_released", "tenant", "released_at",
                            postgresql_where=text("released_at IS NOT NULL"),
                            sqlite_where=text("released_at IS NOT NULL")),
                      # status leads so that SQLite, unanalyzed, prefers it to ix_messages_outbox
                      Index("ix_messages_held", "status", "tenant", "to_phone",
                            postgresql_where=text("status = 'held'"),
                            sqlite_where=text("status = 'held'")),
                      Index("ix_messages_bundle", "bundle_id",
                            postgresql_where=text("bundle_id IS NOT NULL"),
                            sqlite_where=text("bundle_id IS NOT NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    direction: Mapped[str] = mapped_column(String(3))
    to_phone: Mapped[str] = mapped_column(Phone)
    from_phone: Mapped[str] = mapped_column(Phone)
    body: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[str]] = mapped_column(JSON, default=list)
    purpose: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Unsolicited texts only (confirmations/throttle.py): when the rate limit let it out,
    # on the clock of the caller (the tick's); NULL while held. A held text, once sent
    # inside a bundle, points at the bundle's row.
    released_at: Mapped[datetime | None]
    # Set (committed) just before a send job calls the provider, cleared when the outcome
    # is recorded: a row found "attempting" had an attempt end without an answer (a worker
    # killed mid-call, a timeout), which may have reached the provider (confirmations/jobs.py).
    attempted_at: Mapped[datetime | None]
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", name="fk_messages_bundle_id"))
    # sms, or call: an escalation step said by phone (body: what is said), whose keys answer
    # with the reply code `code` (recurring/codes.py) as a text would.
    channel: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    code: Mapped[int | None]


class OptOut(Base):
    """A phone that said STOP to this tenant's number; deleted again by START."""

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("tenant", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    phone: Mapped[str] = mapped_column(Phone)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationSession(Base):
    """Where a conversation with one phone stands: routing state and collected slots."""

    __tablename__ = "conversation_sessions"
    __table_args__ = (UniqueConstraint("tenant", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    phone: Mapped[str] = mapped_column(Phone)
    state: Mapped[str] = mapped_column(String(32), default="idle")
    slots: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("tenant", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    phone: Mapped[str] = mapped_column(Phone)
    name: Mapped[str | None] = mapped_column(String(128))
    external_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    name_asked_at: Mapped[datetime | None]  # a new customer is asked their name once
    language: Mapped[str | None] = mapped_column(String(8))  # "en" | "es": what they are written to in


class Run(Base):
    """One occurrence of a recurring task; unique per task and slot."""

    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("tenant", "task", "slot"),
                      Index("ix_runs_tenant_state", "tenant", "state"),
                      Index("ix_runs_reminders", "reminded_at", "remind_at"),
                      Index("ix_runs_overdue", "state", "escalation_level", "due_at"),
                      Index("ix_runs_escalate_at", "state", "escalate_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    task: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    slot: Mapped[datetime]
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="open")
    assignee: Mapped[str] = mapped_column(String(64))
    escalation_level: Mapped[int] = mapped_column(default=0)
    chain: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None]
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    remind_at: Mapped[datetime | None]  # when to text the assignee; NULL: never (a stale run)
    reminded_at: Mapped[datetime | None]  # when the reminder was queued: it goes once
    # When the escalation next needs a look (recurring/escalation.py); NULL before it
    # starts (due_at counts then) and after the run closes.
    escalate_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchedulerMark(Base):
    """How far the scheduler tick has looked: the next pass starts its window here."""

    __tablename__ = "scheduler_marks"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime]


class Proof(Base):
    __tablename__ = "proofs"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(16))
    media_path: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Escalation(Base):
    """One step of a run's chain that texted people: level 1 is the chain's first step.
    Unique per run and level, so a step is recorded (and texted) once."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("run_id", "level", name="uq_escalations_run_level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    level: Mapped[int]
    target: Mapped[str | None] = mapped_column(String(64))  # the step's notify: backup, role:manager...
    notified: Mapped[list[str]] = mapped_column(JSON, default=list)
    codes: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # person id -> reply code
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(String(32))  # taken | reassigned | excused | done | late | missed
    answered_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # an excuse's reason, a reassignment's new assignee


class ReplyCode(Base):
    """The number a person answers an item by ("3t"): the lowest not used by their open
    items, kept by the item for its life (recurring/codes.py). Closed rows stay, so a
    stale code gets "#3 was already excused by Dana"."""

    __tablename__ = "reply_codes"
    __table_args__ = (
        Index("uq_reply_codes_open_number", "tenant", "person", "number", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        Index("uq_reply_codes_open_item", "tenant", "person", "kind", "item_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        Index("ix_reply_codes_item", "tenant", "kind", "item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    person: Mapped[str] = mapped_column(String(64))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # run | finding
    item_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))  # how the item ended: excused, done...
    closed_by: Mapped[str | None] = mapped_column(String(64))


class Booking(Base):
    """An appointment in the built-in calendar: held (offered, or awaiting a deposit),
    confirmed, or cancelled. A hold counts against the chairs until hold_expires_at."""

    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_tenant_start", "tenant", "start"),
                      Index("ix_bookings_reminders", "state", "reminded_at", "remind_at"),
                      UniqueConstraint("tenant", "key", name="uq_bookings_tenant_key"))
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    service: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime]
    end: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="held")
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    deposit: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    hold_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    key: Mapped[str | None] = mapped_column(String(160))  # idempotency key, from the interaction
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    moves_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))  # a hold for a move
    accepted_at: Mapped[datetime | None]  # the customer said yes (held: the deposit is awaited)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    remind_at: Mapped[datetime | None]  # NULL: no reminder (booked inside the reminder window)
    reminded_at: Mapped[datetime | None]  # the reminder was queued: it goes once per time
    answered_reminder: Mapped[str | None] = mapped_column(String(16))  # confirmed | ...


class BookingDay(Base):
    """One row per tenant and local day, locked while that day's bookings change, so two
    customers can never take the last chair at once (PostgreSQL: SELECT ... FOR UPDATE)."""

    __tablename__ = "booking_days"
    tenant: Mapped[str] = mapped_column(Tenant, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class Finding(Base):
    """A repeated failure (recurring/findings.py). open_key names the pattern while the
    finding is open and is NULL once answered: unique per tenant, so a pattern is raised
    once however many processes see it."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("tenant", "open_key", name="uq_findings_tenant_open_key"),
                      Index("ix_findings_tenant_created", "tenant", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant, index=True)
    task: Mapped[str | None] = mapped_column(String(64))
    person: Mapped[str | None] = mapped_column(String(64))  # who is behind it (kind "person")
    kind: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    runs: Mapped[list[int]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | acknowledged | reassigned
    open_key: Mapped[str | None] = mapped_column(String(100))
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    new_owner: Mapped[str | None] = mapped_column(String(64))  # set when answered by a new owner
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaskOwner(Base):
    """An owner's change of who does a task, overriding the config's `owner` for new runs."""

    __tablename__ = "task_owners"
    __table_args__ = (UniqueConstraint("tenant", "task"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    task: Mapped[str] = mapped_column(String(64))
    person: Mapped[str] = mapped_column(String(64))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestSent(Base):
    """The owner's weekly digest of one week went out: unique per tenant and week."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("tenant", "week"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    week: Mapped[date]  # the local day it was due
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class Execution(Base):
    """The trace of one run of the agent chain for an interaction."""

    __tablename__ = "executions"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant, index=True)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntegrationJob(Base):
    """One write to an outside system (CRM, payments) for a booking change: written in the
    booking's transaction, run by a job after commit, retried until done or failed."""

    __tablename__ = "integration_jobs"
    __table_args__ = (Index("ix_integration_jobs_due", "state", "next_try_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # crm.upsert_contact | payments.request_deposit
    change: Mapped[str] = mapped_column(String(16))  # booked | rescheduled | cancelled
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_try_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # external id, link...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PaymentEvent(Base):
    """A payment provider's webhook event, kept so a redelivered event changes nothing."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant: Mapped[str] = mapped_column(Tenant)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(64))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsoleCode(Base):
    """The sign-in code last texted to a phone for the operator console (console/signin.py):
    one row per phone, kept hashed. A phone no tenant knows gets a row too (and no text),
    so wrong tries and lockouts look the same whoever asks."""

    __tablename__ = "console_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(Phone, unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    failures: Mapped[int] = mapped_column(default=0)  # wrong tries since the last code or lockout
    locked_until: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in console session: the cookie holds a random token, this row its hash.
    Sign-out sets ended_at, so a copied cookie is refused from then on."""

    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str] = mapped_column(Phone)
    tenant: Mapped[str | None] = mapped_column(Tenant)  # NULL until the person picks a business
    person: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
