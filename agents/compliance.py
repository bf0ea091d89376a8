"""Opt-out, opt-in and help: the answers carriers require, recorded like any other.

Only the phone itself opts in or out: STOP or START through the API changes nothing.
"""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from agents.booking.chain import CustomerAgent
from agents.booking.messages import fit
from agents.booking.notices import tell_operator
from agents.context import ExecutionContext
from store.models import OptOut
from store.statements import insert_new

OPT_OUTS = OptOut.__table__

OPTED_OUT = select(OPT_OUTS.c.id).where(OPT_OUTS.c.tenant == bindparam("tenant"),
                                        OPT_OUTS.c.phone == bindparam("phone"))


def is_opted_out(session: Session, tenant: str, phone: str) -> bool:
    found = session.connection().execute(OPTED_OUT, {"tenant": tenant, "phone": phone}).first()
    return found is not None


def help_text(ctx: ExecutionContext) -> str:
    return ctx.tenant.help or f"{ctx.tenant.name}. Reply STOP to opt out."


class OptOutAgent:
    name = "opt_out"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        # Two STOPs at once from one phone both get here: the second insert does nothing.
        session.connection().execute(insert_new(session, OPT_OUTS, ("tenant", "phone")), {
            "tenant": ctx.tenant.tenant, "phone": ctx.interaction.from_phone, "created_at": ctx.now})
        ctx.reply(f"You're unsubscribed from {ctx.tenant.name} and will get no more texts. "
                  "Reply START to subscribe again.")
        ctx.outcome = "opted_out"
        return ctx


class OptInAgent:
    name = "opt_in"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        session.execute(delete(OptOut).where(OptOut.tenant == ctx.tenant.tenant,
                                             OptOut.phone == ctx.interaction.from_phone))
        ctx.reply(f"You're subscribed to {ctx.tenant.name} again. Reply HELP for help, STOP to opt out.")
        ctx.outcome = "opted_in"
        return ctx


class HelpAgent:
    name = "help"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        ctx.reply(help_text(ctx))
        ctx.outcome = "help"
        return ctx


class SilenceAgent:
    """An opted-out number's texts are recorded and never answered."""

    name = "opted_out"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        ctx.outcome = "ignored_opted_out"
        return ctx


class ConsentByPhoneAgent:
    """STOP, START (or an opted-out number's YES) sent through the API: consent is the
    phone's own to give or take back, so nothing changes and the caller is told how."""

    name = "consent_by_phone"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        ctx.reply(f"Nothing changed: only the phone itself can opt out or back in, by texting STOP or "
                  f"START to {ctx.tenant.numbers[0]}.")
        ctx.outcome = "consent_not_changed"
        return ctx


class OptedOutCancelAgent:
    """A reminder's X from a customer who opted out: the booking is cancelled as for anyone
    and the operator told, but no reply is texted to a number that asked for none."""

    name = "opted_out_cancel"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        ctx = CustomerAgent().run(ctx, session)
        if ctx.outcome != "cancelled":  # nothing was cancelled: the operator hears why
            said = " ".join(ctx.replies)
            tell_operator(session, ctx.tenant, fit(f"{ctx.interaction.from_phone} (opted out of texts) replied X "
                                                   f"to cancel; nothing was cancelled: {said}"),
                          ctx.interaction_id)
        ctx.replies.clear()
        return ctx
