"""Held texts go out as one bundle: a scheduler tick step (see throttle.py for the tiers).

    release_held(runtime, now)
        for each recipient with held texts whose tiers allow one more text now:
        one held text          goes out as it is
        several                ONE text lists each in full (its reply codes kept); the
                               held rows become `bundled`, pointing at the bundle's row
        only one fits          it goes out as it is; the rest wait for the next tick
        opted out since        the held rows are marked failed, as the outbox would

    3 updates:
    1) Moved: Haircut Mon Nov 30 at 11:00 AM (was Sat Nov 28 at 3:00 PM) for Tom (+16175550150)
    2) Product cooler temperature, due by 1:00 PM
    3) Lena hasn't done Opening checklist, due at 9:30 AM (30m ago); no answer from Lena. Can you do it? Reply 1t
    +2 more to follow

Each item is its text whole, with its closing "Reply ..." shortened to the codes it
names (item_text): never cut mid-way, so the bundle says what changed. A bundle holds
the oldest items that fit in BUNDLE_CHARS, the limit of every text; the rest stay held
for the next one ("+2 more to follow"), so nothing is lost and even a long backlog goes
out at the tiers' pace. After downtime the first tick sends one bundle, never a burst.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from confirmations.outbox import OPTED_OUT_CODE, Text, mark_pending, opted_out_among, outbox_row, write_rows
from confirmations.throttle import (CHUNK, IS_HELD, Held, chunks, held_by_recipient, read_ledger,
                                    recipients_waiting)
from runtime import Runtime
from store.db import utcnow
from store.models import Message, MessageStatus

BUNDLE_CHARS = 320  # two SMS segments, as every text Onward sends
CODE = re.compile(r"#\d{1,3}[a-zA-Z]?\b|\b\d{1,3}[a-zA-Z]\b")  # 3t, 3A, #3: what an item is answered by


def release_held(runtime: Runtime, now: datetime) -> int:
    """Send the held texts whose recipients' tiers allow it; return how many texts went
    (bundles and single texts)."""
    with runtime.db.sessionmaker() as session:
        if session.scalar(select(Message.id).where(IS_HELD).limit(1)) is None:
            return 0  # the usual case: no write transaction at all
    with runtime.db.session() as session:
        return release_waiting(session, now)


def release_waiting(session: Session, now: datetime) -> int:
    waiting = recipients_waiting(session)
    ledger = read_ledger(session, waiting, now)  # locks them: two ticks at once send once
    opted_out = opted_out_among(session, waiting)
    ready = [r for r in waiting if r not in opted_out and ledger.may_send(r, now)]
    held = held_by_recipient(session, [*ready, *opted_out])
    settle_opted_out(session, [text for r in opted_out for text in held.get(r, [])])
    contents = [bundle_items(held[r]) for r in ready if held.get(r)]
    release_singles(session, [items[0] for items in contents if len(items) == 1], now)
    send_bundles(session, [items for items in contents if len(items) > 1], held, now)
    return len(contents)


def release_singles(session: Session, texts: Sequence[Held], now: datetime) -> None:
    """A lone held text goes out as it is."""
    ids = [text.id for text in texts]
    for chunk in chunks(ids, CHUNK):
        session.execute(update(Message).where(Message.id.in_(chunk))
                        .values(status=MessageStatus.QUEUED, released_at=now)
                        .execution_options(synchronize_session=False))
    mark_pending(session, ids)


def send_bundles(session: Session, contents: Sequence[Sequence[Held]], held: dict, now: datetime) -> None:
    """One bundle row per list of items (a recipient's oldest held texts that fit); the
    texts it carries become `bundled`, pointing at it."""
    if not contents:
        return
    written = utcnow()
    rows = [outbox_row(bundle_of(items, len(held[recipient_of(items[0])]) - len(items)), written, released_at=now)
            for items in contents]
    bundles = write_rows(session, rows)
    session.execute(update(Message), [{"id": text.id, "status": MessageStatus.BUNDLED, "bundle_id": bundle.id}
                                      for bundle, items in zip(bundles, contents) for text in items])


def settle_opted_out(session: Session, texts: Sequence[Held]) -> None:
    """Held for a phone that has opted out since: failed, as the outbox would have it."""
    for chunk in chunks([text.id for text in texts], CHUNK):
        session.execute(update(Message).where(Message.id.in_(chunk)).values(
            status=MessageStatus.FAILED, error_code=OPTED_OUT_CODE, error="recipient opted out")
            .execution_options(synchronize_session=False))


def recipient_of(message: Held) -> tuple[str, str]:
    return message.tenant, message.to_phone


def bundle_items(held: Sequence[Held]) -> list[Held]:
    """The oldest held texts whose items fit one bundle whole; at least the oldest (which,
    alone, goes out as it is)."""
    room = BUNDLE_CHARS - len(bundle_head(len(held))) - len(more_line(len(held)))
    items: list[Held] = [held[0]]
    room -= len(item_line(1, held[0].body)) + 1
    for message in held[1:]:
        line = item_line(len(items) + 1, message.body)
        if len(line) + 1 > room:
            break
        items.append(message)
        room -= len(line) + 1
    return items


def bundle_of(items: Sequence[Held], left: int) -> Text:
    first = items[0]
    lines = [bundle_head(len(items))] + [item_line(n, m.body) for n, m in enumerate(items, 1)]
    if left:
        lines.append(more_line(left))
    purposes = {m.purpose for m in items}
    purpose = purposes.pop() if len(purposes) == 1 else "notice"
    return Text(first.tenant, first.to_phone, first.from_phone, "\n".join(lines), purpose)


def bundle_head(count: int) -> str:
    return f"{count} updates:"


def more_line(count: int) -> str:
    return f"+{count} more to follow"


def item_line(number: int, body: str) -> str:
    return f"{number}) {item_text(body)}"


def item_text(body: str) -> str:
    """The body whole, on one line, its closing "Reply ..." (Onward's texts end with what to
    answer) shortened to the reply codes it names, which the bundle must keep.

        "Lena hasn't done Opening checklist, due at 9:30 AM. Can you do it? Reply 3t to take it."
        ->  "Lena hasn't done Opening checklist, due at 9:30 AM. Can you do it? Reply 3t"
    """
    lead, _, ask = " ".join(body.split()).partition(" Reply ")
    codes = "/".join(dict.fromkeys(CODE.findall(ask)))
    lead = lead.rstrip(" .")
    if not codes:
        return lead
    return f"{lead} Reply {codes}" if lead.endswith(("?", "!")) else f"{lead}; reply {codes}"
