"""Sign-in by phone: a 6-digit code texted through the outbox, and server-side sessions.

    request_code   texts a fresh code (purpose notice) to a phone some tenant knows;
                   a phone no tenant knows gets a row and no text, so both look alike
    check_code     right code: signed in; wrong: counted, 5 in a row lock the phone 15 min
    open_session   a random token for the cookie, its hash in console_sessions
    find_session   the live session of a token (not ended, not expired)

A phone in several tenants gets one code (texted from the first tenant's number); after
it, the person picks the business (console/login.py), and may switch without a new code.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.schema import Person, Tenant
from confirmations.outbox import queue_message
from routing.tenants import TenantDirectory
from store.models import ConsoleCode, ConsoleSession
from store.statements import insert_new

CODE_LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
CODES = ConsoleCode.__table__
RESEND_AFTER = timedelta(seconds=30)  # a second request within this texts nothing new
SESSION_LIFETIME = timedelta(hours=12)
CODE_TEXT = "{code} is your Onward console code. It expires in 10 minutes. If you did not ask for it, ignore this text."


class Verdict(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


@dataclass(frozen=True)
class Membership:
    tenant: Tenant
    person: Person


def memberships(tenants: TenantDirectory, phone: str) -> list[Membership]:
    """Every tenant (by id) in which this phone is a person."""
    found = [Membership(t, t.person_by_phone(phone)) for t in sorted(tenants, key=lambda t: t.tenant)]
    return [m for m in found if m.person is not None]


def code_hash(secret: str, phone: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(session: Session, tenants: TenantDirectory, phone: str, secret: str, now: datetime) -> None:
    """Text a new code to `phone` unless it is locked or was texted moments ago."""
    code = f"{secrets.randbelow(10**6):06d}"
    fresh = {"code_hash": code_hash(secret, phone, code), "sent_at": now, "expires_at": now + CODE_LIFETIME}
    if not insert_first_code(session, phone, fresh):
        row = session.scalar(select(ConsoleCode).where(ConsoleCode.phone == phone).with_for_update())
        if is_locked(row, now) or now - row.sent_at < RESEND_AFTER:
            return
        row.code_hash, row.sent_at, row.expires_at = fresh["code_hash"], fresh["sent_at"], fresh["expires_at"]
    known = memberships(tenants, phone)
    if known:
        sender = known[0].tenant
        queue_message(session, tenant=sender.tenant, to=phone, from_=sender.numbers[0],
                      body=CODE_TEXT.format(code=code), purpose="notice", now=now, urgent=True)


def insert_first_code(session: Session, phone: str, fresh: dict) -> bool:
    """The phone's first code row, unless it has one: False then. Two first requests at once
    can't both insert (ON CONFLICT DO NOTHING; PostgreSQL waits for the other to commit)."""
    statement = insert_new(session, CODES, ("phone",), ("id",))
    inserted = session.connection().execute(statement, {"phone": phone, "failures": 0, **fresh})
    return inserted.first() is not None


def is_locked(row: ConsoleCode, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def check_code(session: Session, phone: str, code: str, secret: str, now: datetime) -> Verdict:
    row = session.scalar(select(ConsoleCode).where(ConsoleCode.phone == phone).with_for_update())
    if row is None:
        return Verdict.WRONG  # nothing was asked for this phone: no row to count against
    if is_locked(row, now):
        return Verdict.LOCKED
    if row.locked_until is not None:  # a lockout that has run out starts the count again
        row.locked_until, row.failures = None, 0
    if not hmac.compare_digest(row.code_hash, code_hash(secret, phone, code)):
        return count_failure(row, now)
    if row.expires_at <= now:
        return Verdict.EXPIRED
    row.expires_at, row.failures = now, 0  # used: the same code does not sign in twice
    return Verdict.SIGNED_IN


def count_failure(row: ConsoleCode, now: datetime) -> Verdict:
    row.failures += 1
    if row.failures >= MAX_FAILURES:
        row.locked_until = now + LOCKOUT
        return Verdict.LOCKED
    return Verdict.WRONG


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, phone: str, known: list[Membership], now: datetime) -> str:
    """A new session for a phone that just proved itself; its tenant is set when only one fits."""
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(token_hash=token_hash(token), phone=phone, created_at=now,
                         expires_at=now + SESSION_LIFETIME)
    if len(known) == 1:
        row.tenant, row.person = known[0].tenant.tenant, known[0].person.id
    session.add(row)
    return token


def find_session(session: Session, token: str, now: datetime) -> ConsoleSession | None:
    row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return row


def end_session(session: Session, token: str, now: datetime) -> None:
    row = find_session(session, token, now)
    if row is not None:
        row.ended_at = now
