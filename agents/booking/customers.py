"""The customer record in Onward's own database (the built-in CRM): one row per tenant and
phone, with a name once known. Customers are created and named here only; an outside CRM
hears of them afterwards, by a job (integrations/sync)."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Customer
from store.statements import upsertable_insert

NAME_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'.-]*")
MAX_NAME = 60
# Answers to "What name should we put it under?" that give none.
NO_NAME = re.compile(r"(?:no+|nope|nah|naw|nop|skip(?: it)?|pass|none|nothing|n/?a|not (?:now|telling|needed)"
                     r"|no (?:thanks?|thank you|thx|ty|need|name)|(?:i'?d )?rather not|prefer not(?: to say)?"
                     r"|don'?t (?:need|want) (?:one|to)|anonymous|whatever|never ?mind|nvm)(?:,? thanks?)?",
                     re.IGNORECASE)


def find_customer(session: Session, tenant: str, phone: str) -> Customer | None:
    query = select(Customer).where(Customer.tenant == tenant, Customer.phone == phone)
    return session.scalar(query)


def upsert_customer(session: Session, tenant: str, phone: str, now: datetime) -> Customer:
    """The customer with this phone, created on first contact (safe when two texts race)."""
    customer = find_customer(session, tenant, phone)
    if customer is not None:
        return customer
    insert = upsertable_insert(session, Customer.__table__).values(tenant=tenant, phone=phone, created_at=now)
    session.execute(insert.on_conflict_do_nothing())
    return find_customer(session, tenant, phone)


def clean_name(text: str) -> str | None:
    """A name as people write it ("sam", "Sam O'Neil"): up to four words, no digits; "skip" or
    "no thanks" is none."""
    words = text.strip().strip(".!").split()
    if not 1 <= len(words) <= 4 or not all(NAME_WORD.fullmatch(w) for w in words) or declines_name(text):
        return None
    name = " ".join(w[:1].upper() + w[1:] for w in words)
    return name if len(name) <= MAX_NAME else None


def declines_name(text: str) -> bool:
    """ "no", "skip", "no thanks", "rather not": an answer to the name question that gives none."""
    return NO_NAME.fullmatch(text.strip().strip(".!").replace("’", "'")) is not None


def remember_name(customer: Customer, name: str | None) -> bool:
    """Store a name given; True when it is new."""
    if not name or customer.name == name:
        return False
    customer.name = name
    return True
