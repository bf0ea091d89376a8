"""The lookup agent: who the customer is in the built-in customer record, what they have
booked that is still ahead, and the language they are answered in: this text's when it
is clear, else the one this conversation or their record kept (agents/language.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.booking.calendar import upcoming_for
from agents.booking.customers import find_customer
from agents.booking.work import Work
from agents.context import ExecutionContext
from agents.language import choose


class LookupAgent:
    name = "lookup"

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext:
        tenant, phone = ctx.tenant.tenant, ctx.interaction.from_phone
        work.customer = find_customer(session, tenant, phone)
        if work.customer is not None:
            work.upcoming = upcoming_for(session, tenant, work.customer.id, ctx.now)
        kept = ctx.slots.get("lang") or (work.customer.language if work.customer else None)
        work.lang = ctx.slots["lang"] = choose(ctx.text, kept)
        ctx.outcome = ("new_customer" if work.customer is None else
                       f"customer_with_{len(work.upcoming)}_upcoming")
        return ctx
