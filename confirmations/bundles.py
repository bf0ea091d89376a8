"""Held texts go out as one bundle: a scheduler tick step (see throttle.py for the tiers).

    release_held(runtime, now)
        for each recipient with held texts whose tiers allow one more text now:
        one held text          goes out as it is
        several                ONE text lists each briefly (its reply code kept); the
                               held rows become `bundled`, pointing at the bundle's row
        opted out since        the held rows are marked failed, as the outbox would

    3 updates:
    1) Opening checklist, due by 9:30 AM
    2) Product cooler temperature, due by 1:00 PM
    3) Lena hasn't done Opening checklist, due at 9:30 AM (30m ago); reply 1t

Each item is its text's first part and the reply codes it carries (brief). A bundle
holds what fits in BUNDLE_CHARS, the limit of every text; the rest stay held for the
next one ("+4 more to follow"), so even a long backlog goes out at the tiers' pace.
After downtime the first tick finds everything held and sends one bundle, never a burst.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from confirmations.length import shorten
from confirmations.outbox import OPTED_OUT_CODE, Text, mark_pending, opted_out_among, outbox_row, write_rows
from confirmations.throttle import (CHUNK, IS_HELD, Held, chunks, held_by_recipient, read_ledger,
                                    recipients_waiting)
from runtime import Runtime
from store.db import utcnow
from store.models import Message, MessageStatus

BUNDLE_CHARS = 320  # two SMS segments, as every text Onward sends
ITEM_CHARS = 72
CODE = re.compile(r"#\d{1,3}[a-zA-Z]?\b|\b\d{1,3}[a-zA-Z]\b")  # 3t, 3A, #3: what an item is answered by
FIRST_PART = re.compile(r"[.:;](?:\s|$)")  # the lead ends at its first full stop, colon or semicolon


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
    groups = [held[r] for r in ready if held.get(r)]
    release_singles(session, [group[0] for group in groups if len(group) == 1], now)
    send_bundles(session, [group for group in groups if len(group) > 1], now)
    return len(groups)


def release_singles(session: Session, texts: Sequence[Held], now: datetime) -> None:
    """A lone held text goes out as it is."""
    ids = [text.id for text in texts]
    for chunk in chunks(ids, CHUNK):
        session.execute(update(Message).where(Message.id.in_(chunk))
                        .values(status=MessageStatus.QUEUED, released_at=now)
                        .execution_options(synchronize_session=False))
    mark_pending(session, ids)


def send_bundles(session: Session, groups: Sequence[Sequence[Held]], now: datetime) -> None:
    """One bundle row per group (a recipient's held texts, oldest first); the texts it
    carries become `bundled`, pointing at it."""
    if not groups:
        return
    contents = [bundle_items(group) for group in groups]
    written = utcnow()
    rows = [outbox_row(bundle_of(group, items, len(group) - len(items)), written, released_at=now)
            for group, items in zip(groups, contents)]
    bundles = write_rows(session, rows)
    session.execute(update(Message), [{"id": text.id, "status": MessageStatus.BUNDLED, "bundle_id": bundle.id}
                                      for bundle, items in zip(bundles, contents) for text in items])


def settle_opted_out(session: Session, texts: Sequence[Held]) -> None:
    """Held for a phone that has opted out since: failed, as the outbox would have it."""
    for chunk in chunks([text.id for text in texts], CHUNK):
        session.execute(update(Message).where(Message.id.in_(chunk)).values(
            status=MessageStatus.FAILED, error_code=OPTED_OUT_CODE, error="recipient opted out")
            .execution_options(synchronize_session=False))


def bundle_items(held: Sequence[Held]) -> list[Held]:
    """The oldest held texts whose briefs fit one bundle (at least one)."""
    room = BUNDLE_CHARS - len(bundle_head(len(held))) - len(more_line(len(held)))
    items: list[Held] = []
    for message in held:
        line = item_line(len(items) + 1, message.body)
        if items and len(line) + 1 > room:
            break
        items.append(message)
        room -= len(line) + 1
    return items


def bundle_of(held: Sequence[Held], items: Sequence[Held], left: int) -> Text:
    first = held[0]
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
    return f"{number}) {brief(body)}"


def brief(body: str, room: int = ITEM_CHARS) -> str:
    """The body in `room` characters: its first part, and the reply codes of its closing
    "Reply ..." (Onward's texts end with what to answer), which the bundle must keep.

        "Lena hasn't done Opening checklist, due at 9:30 AM; no answer from Lena. Can you do
         it? Reply 3t to take it."  ->  "Lena hasn't done Opening checklist, due at 9:30 AM; reply 3t"
    """
    lead, _, ask = " ".join(body.split()).partition(" Reply ")
    codes = list(dict.fromkeys(CODE.findall(ask)))
    answer = f"; reply {'/'.join(codes)}" if codes else ""
    room -= len(answer)
    if len(lead) > room:
        lead = FIRST_PART.split(lead, 1)[0]
    return shorten(lead.rstrip(" ."), room) + answer


