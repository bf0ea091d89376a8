"""Reply codes: the short number a person answers an item by (as GoAlert's SMS codes).

    "Lena missed Opening checklist (due 9:30 AM). Reply 3t to take it."   3: Sam's code for that run

Per tenant and person, an item (kind "run" or "finding", and its id) gets the lowest
number not used by that person's open items and keeps it for its life, so with several
items open every answer names one. When the item closes, its numbers are free again,
but the closed rows stay: an old code gets "#3 was already excused by Dana" instead of
acting on whatever holds 3 next.

    assign_code(session, tenant, person, kind, item_id, now)    -> 3 (the same 3 when asked again)
    assign_codes(session, [CodeKey...], now)                    the same in bulk: one SELECT, one INSERT
    item_for_code(session, tenant, person, 3)                   -> CodeRow: the open item, or the last closed one
    open_codes(session, tenant, person)                         -> [CodeRow], newest first
    open_numbers(session, tenant, person)                       -> (2, 3): their numbers
    release_codes(session, tenant, kind, item_id, outcome=...)  the item closed
    parse_answer("3x late delivery")                            -> Answer("excuse", 3, "late delivery")

Two writers at once: on PostgreSQL the tenant's codes are taken under a transaction-level
advisory lock, so two processes never hand out the same number; SQLite writers take
turns anyway (store.db). The partial unique indexes on open rows back both up.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, NamedTuple

from sqlalchemy import BigInteger, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from store.db import utcnow
from store.models import ReplyCode

KINDS = ("run", "finding")
LETTERS = {"t": "take", "x": "excuse", "r": "reassign", "d": "done"}
OUTCOME_WORDS = {"late": "done (late)", "missed": "closed as missed"}


class CodeKey(NamedTuple):
    tenant: str
    person: str
    kind: str
    item_id: int


@dataclass(frozen=True)
class CodeRow:
    tenant: str
    person: str
    number: int
    kind: str
    item_id: int
    open: bool
    outcome: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Answer:
    action: str  # take | excuse | reassign | done
    number: int | None  # None: a bare answer ("on it")
    rest: str = ""  # the excuse's reason, the reassignment's person, the proof


# -- handing out and looking up ------------------------------------------------------------

def assign_code(session: Session, tenant: str, person: str, kind: str, item_id: int,
                now: datetime) -> int:
    """The person's code for the item: its existing one, or the lowest free number."""
    key = CodeKey(tenant, person, kind, item_id)
    return assign_codes(session, [key], now)[key]


def assign_codes(session: Session, keys: Iterable[CodeKey], now: datetime) -> dict[CodeKey, int]:
    """Codes for many (tenant, person, item) at once, in the caller's transaction."""
    wanted = list(dict.fromkeys(keys))
    for key in wanted:
        if key.kind not in KINDS:
            raise ValueError(f"{key.kind!r} is not a kind of item: {', '.join(KINDS)}")
    if not wanted:
        return {}
    lock_codes(session, {key.tenant for key in wanted})
    taken, codes = _open_numbers(session, wanted)
    rows = []
    for key in wanted:
        if key in codes:
            continue
        used = taken.setdefault((key.tenant, key.person), set())
        codes[key] = lowest_free(used)
        used.add(codes[key])
        rows.append({**key._asdict(), "number": codes[key], "created_at": now})
    if rows:
        session.execute(insert(ReplyCode), rows)
    return {key: codes[key] for key in wanted}


def lowest_free(used: set[int]) -> int:
    number = 1
    while number in used:
        number += 1
    return number


def _open_numbers(session: Session, keys: list[CodeKey]):
    """Numbers in use per (tenant, person), and the codes the keys already hold."""
    query = select(ReplyCode.tenant, ReplyCode.person, ReplyCode.number, ReplyCode.kind,
                   ReplyCode.item_id).where(
        ReplyCode.closed_at.is_(None), ReplyCode.tenant.in_({k.tenant for k in keys}),
        ReplyCode.person.in_({k.person for k in keys}))
    taken: dict[tuple[str, str], set[int]] = {}
    codes: dict[CodeKey, int] = {}
    for tenant, person, number, kind, item_id in session.execute(query):
        taken.setdefault((tenant, person), set()).add(number)
        codes[CodeKey(tenant, person, kind, item_id)] = number
    return taken, codes


def lock_codes(session: Session, tenants: Iterable[str]) -> None:
    """PostgreSQL: hold the tenants' code locks until commit, taken in one statement and in
    one order (the keys sorted: unnest keeps the array's order), so never a deadlock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = bindparam("keys", sorted({lock_key(tenant) for tenant in tenants}), type_=ARRAY(BigInteger))
    key = func.unnest(keys).column_valued("key")
    session.execute(select(func.count(func.pg_advisory_xact_lock(key))))


def lock_key(tenant: str) -> int:
    return zlib.crc32(f"onward.codes:{tenant}".encode())


def item_for_code(session: Session, tenant: str, person: str, number: int) -> CodeRow | None:
    """The open item this person's number stands for, else the last item it stood for."""
    query = (select(ReplyCode).where(ReplyCode.tenant == tenant, ReplyCode.person == person,
                                     ReplyCode.number == number)
             .order_by(ReplyCode.closed_at.is_(None).desc(), ReplyCode.closed_at.desc(),
                       ReplyCode.id.desc()).limit(1))
    row = session.scalar(query)
    return code_row(row) if row is not None else None


def open_codes(session: Session, tenant: str, person: str) -> list[CodeRow]:
    """The person's open items, the newest first."""
    query = (select(ReplyCode).where(ReplyCode.tenant == tenant, ReplyCode.person == person,
                                     ReplyCode.closed_at.is_(None))
             .order_by(ReplyCode.created_at.desc(), ReplyCode.id.desc()))
    return [code_row(row) for row in session.scalars(query)]


def open_numbers(session: Session, tenant: str, person: str) -> tuple[int, ...]:
    """The numbers of the person's open items: what a misheard "three are Sam" may mean."""
    query = select(ReplyCode.number).where(ReplyCode.tenant == tenant, ReplyCode.person == person,
                                           ReplyCode.closed_at.is_(None)).order_by(ReplyCode.number)
    return tuple(session.scalars(query))


def code_row(row: ReplyCode) -> CodeRow:
    return CodeRow(tenant=row.tenant, person=row.person, number=row.number, kind=row.kind,
                   item_id=row.item_id, open=row.closed_at is None, outcome=row.outcome,
                   closed_by=row.closed_by, closed_at=row.closed_at)


# -- closing ------------------------------------------------------------------------------

def release_codes(session: Session, tenant: str, kind: str, item_id: int, *, outcome: str = "closed",
                  by: str | None = None, now: datetime | None = None) -> int:
    """The item closed (how, and by whom): its numbers are free for new items."""
    return release_items(session, tenant, kind, [item_id], outcome=outcome, by=by, now=now)


def release_items(session: Session, tenant: str, kind: str, item_ids: Iterable[int], *,
                  outcome: str = "closed", by: str | None = None, now: datetime | None = None) -> int:
    ids = list(item_ids)
    if not ids:
        return 0
    result = session.execute(
        update(ReplyCode).where(ReplyCode.tenant == tenant, ReplyCode.kind == kind,
                                ReplyCode.item_id.in_(ids), ReplyCode.closed_at.is_(None))
        .values(closed_at=now or utcnow(), outcome=outcome, closed_by=by)
        .execution_options(synchronize_session=False))
    return result.rowcount


def closed_text(row: CodeRow, by_name: str | None = None) -> str:
    """ "#3 was already excused by Dana." """
    outcome = OUTCOME_WORDS.get(row.outcome or "closed", row.outcome or "closed")
    by = f" by {by_name}" if by_name and row.outcome != "missed" else ""
    return f"#{row.number} was already {outcome}{by}."


# -- reading answers ----------------------------------------------------------------------

CODED = re.compile(r"#?(?P<n>\d{1,3})\s*(?P<letter>[txrd])(?![a-z])[\s:,.;!-]*(?P<rest>.*)",
                   re.IGNORECASE | re.DOTALL)
VERB = re.compile(r"(?:(?:please|pls|plz|ok|okay|yes|yeah|go ahead and|just)[\s,]+)*"  # "please excuse 3, ..."
                  r"(?P<verb>take|excuse|reassign|give)\s*#?(?P<n>\d{1,3})\b[\s:,.;!-]*(?P<rest>.*)",
                  re.IGNORECASE | re.DOTALL)
VERBS = {"take": "take", "excuse": "excuse", "reassign": "reassign", "give": "reassign"}
TAKE = re.compile(
    r"((ok|okay|yes|yep|yeah|sure|sorry)[\s,.!]+)?"
    r"((i'?m|i am)\s+)?on\s+it"
    r"|((ok|okay|yes|yep|yeah|sure|sorry)[\s,.!]+)?"
    r"(i'?ll|i\s+will|i\s+can|let\s+me)\s+(do|take|handle|cover|get)\s+(it|this|that)(\s+now)?"
    r"|(i'?ve\s+|i\s+)?got\s+(it|this)|taking\s+it|i'?ll\s+take\s+care\s+of\s+it|mine",
    re.IGNORECASE)


def parse_answer(text: str) -> Answer | None:
    """ "3t", "3 t", "#3x late delivery", "3r sam", "3d 38", "excuse 3 ...", "on it" -> Answer."""
    folded = re.sub(r"\s+", " ", text.replace("’", "'")).strip()
    if match := CODED.fullmatch(folded):
        return Answer(LETTERS[match["letter"].lower()], int(match["n"]), match["rest"].strip())
    if match := VERB.fullmatch(folded):
        rest = re.sub(r"^to\s+", "", match["rest"].strip(), flags=re.IGNORECASE)
        return Answer(VERBS[match["verb"].lower()], int(match["n"]), rest)
    if TAKE.fullmatch(re.sub(r"[^\w']+$", "", folded)):
        return Answer("take", None)
    return None
