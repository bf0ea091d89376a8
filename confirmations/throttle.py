"""No floods: the unsolicited texts one person gets are limited in tiers.

    TIERS       at most 1 text a minute, 5 in 15 minutes, 12 an hour, per recipient
                (tenant + phone), counting the limited texts let out to them
    limited     reminder, escalation, notice, finding, digest: texts nobody asked for.
                A reply (the answer to a text) and a customer's confirmation never wait,
                nor does an urgent notice: an operator hand-off someone is waiting on ("talk
                to a person", a cancellation, a booking write that failed). It goes at once
                and counts, so routine texts after it wait their turn.
    held        a limited text that would go over a tier, or that comes while earlier
                ones wait, is written with status `held`: a visible row, not sent itself
    bundled     the scheduler tick sends a recipient's held texts as ONE text once the
                tiers allow it (confirmations/bundles.py)

The outbox asks here for every text it writes (queue_message and queue_messages), so
every caller gets the limits. What the tiers count is read under a per-recipient lock
(PostgreSQL: a transaction advisory lock; SQLite writers take turns anyway), so two
processes writing to one person at once don't both let a text out.

Times are on the caller's clock, stored as `released_at`: a scheduler pass's `now` for
every text queued during the pass (pass_clock), else the real time.
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import literal_column, select, text
from sqlalchemy.orm import Session

from store.db import utcnow
from store.models import Message


@dataclass(frozen=True)
class Tier:
    limit: int  # texts at most...
    window: timedelta  # ...within any window this long


TIERS = (
    Tier(1, timedelta(minutes=1)),
    Tier(5, timedelta(minutes=15)),
    Tier(12, timedelta(hours=1)),
)
LIMITED = frozenset({"reminder", "escalation", "notice", "finding", "digest"})
# Ticks start a few seconds late or early: texts a tick apart count as a minute apart.
SLACK = timedelta(seconds=5)
LOOKBACK = max(tier.window for tier in TIERS)
CHUNK = 500  # recipients per query

Recipient = tuple[str, str]  # (tenant, phone)
# Written out, not bound, so the partial index ix_messages_held serves it on both databases.
IS_HELD = Message.status == literal_column("'held'")


_PASS_CLOCK: ContextVar[datetime | None] = ContextVar("onward_pass_clock", default=None)


@contextmanager
def pass_clock(now: datetime) -> Iterator[None]:
    """Within a scheduler pass, texts count against the tiers at the pass's `now`
    (`tick --now` sets it), whichever step queues them."""
    token = _PASS_CLOCK.set(now)
    try:
        yield
    finally:
        _PASS_CLOCK.reset(token)


def texts_clock() -> datetime:
    """The time a text queued now counts at: the scheduler pass's clock, else the real one."""
    return _PASS_CLOCK.get() or utcnow()


def is_limited(purpose: str) -> bool:
    return purpose in LIMITED


def allows(released: Iterable[datetime], now: datetime) -> bool:
    """May one more text go at `now` after texts let out at `released`, within every tier?"""
    recent = [at for at in released if at <= now + SLACK]  # later ones: another clock's
    return all(sum(1 for at in recent if at > now - tier.window + SLACK) < tier.limit
               for tier in TIERS)


@dataclass
class Ledger:
    """What the tiers know of some recipients: when texts were let out to them, and
    who has texts waiting. Read once (read_ledger), then updated as texts are decided."""

    released: dict[Recipient, list[datetime]] = field(default_factory=dict)
    waiting: set[Recipient] = field(default_factory=set)

    def admit(self, recipient: Recipient, now: datetime) -> bool:
        """Let one text out at `now` (and count it), or say it must be held.
        Texts never overtake held ones: the held go first, in a bundle."""
        if recipient in self.waiting or not allows(self.released.get(recipient, ()), now):
            self.waiting.add(recipient)
            return False
        self.count(recipient, now)
        return True

    def count(self, recipient: Recipient, now: datetime) -> None:
        """A text let out at `now` past the tiers (an urgent one): later ones count it."""
        self.released.setdefault(recipient, []).append(now)

    def may_send(self, recipient: Recipient, now: datetime) -> bool:
        return allows(self.released.get(recipient, ()), now)


def read_ledger(session: Session, recipients: Collection[Recipient], now: datetime) -> Ledger:
    """Lock these recipients for the rest of the transaction, then read their counts."""
    ledger = Ledger()
    if not recipients:
        return ledger
    lock(session, recipients)
    wanted = set(recipients)
    for tenants in chunks(sorted({tenant for tenant, _ in wanted}), CHUNK):
        sent = select(Message.tenant, Message.to_phone, Message.released_at).where(
            Message.tenant.in_(tenants), Message.released_at > now - LOOKBACK)
        for tenant, phone, at in session.execute(sent):
            if (tenant, phone) in wanted:
                ledger.released.setdefault((tenant, phone), []).append(at)
        held = select(Message.tenant, Message.to_phone).distinct().where(IS_HELD, Message.tenant.in_(tenants))
        ledger.waiting.update((tenant, phone) for tenant, phone in session.execute(held)
                              if (tenant, phone) in wanted)
    return ledger


def lock(session: Session, recipients: Collection[Recipient]) -> None:
    """PostgreSQL: take each recipient's advisory lock until the transaction ends, in
    one order everywhere. SQLite needs none: one writer at a time (store.db)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({lock_key(recipient) for recipient in recipients})
    session.execute(text("SELECT pg_advisory_xact_lock(key) FROM unnest(CAST(:keys AS bigint[])) AS key"),
                    {"keys": keys})


def lock_key(recipient: Recipient) -> int:
    tenant, phone = recipient
    return zlib.crc32(f"onward.texts:{tenant}:{phone}".encode())


class Held(NamedTuple):
    """A held text, as much of it as a bundle needs."""

    id: int
    tenant: str
    to_phone: str
    from_phone: str
    body: str
    purpose: str


def held_by_recipient(session: Session, recipients: Collection[Recipient]) -> dict[Recipient, list[Held]]:
    """The held texts of these recipients, oldest first."""
    wanted = set(recipients)
    found: dict[Recipient, list[Held]] = defaultdict(list)
    for tenants in chunks(sorted({tenant for tenant, _ in wanted}), CHUNK):
        query = (select(Message.id, Message.tenant, Message.to_phone, Message.from_phone, Message.body,
                        Message.purpose).where(IS_HELD, Message.tenant.in_(tenants)).order_by(Message.id))
        for row in session.execute(query):
            held = Held(*row)
            if (held.tenant, held.to_phone) in wanted:
                found[(held.tenant, held.to_phone)].append(held)
    return found


def recipients_waiting(session: Session) -> list[Recipient]:
    """Everyone with held texts."""
    query = select(Message.tenant, Message.to_phone).distinct().where(IS_HELD)
    return sorted((tenant, phone) for tenant, phone in session.execute(query))


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
