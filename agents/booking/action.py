"""The action agent: carries out the plan in Onward's database (the built-in calendar and
customer record) and, through integrations.sync, in the outside systems — in the
interaction's transaction, keyed by the interaction so a retry changes nothing twice."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from agents.booking.calendar import booking_of
from agents.booking.customers import remember_name, upsert_customer
from agents.booking.lifecycle import accept, cancel, drop_hold, move, place_hold, service_of
from agents.booking.messages import fit
from agents.booking.notices import tell_operator
from agents.booking.slots import end_booking_talk
from agents.booking.work import Plan, Work
from agents.context import ExecutionContext

Act = Callable[[ExecutionContext, Session, Work, Plan], str]
# Texts Onward could not make sense of (or a bare "hi") don't make a customer record: an
# auto-responder's texts stay a stranger's, whose replies routing/limits.py caps. Anything understood does.
NOT_UNDERSTOOD = frozenset({"not_understood", "nothing_to_confirm", "choices_again", "greeting"})
HAND_OFF = 2  # texts in a row Onward can't understand before the operator is given them


class ActionAgent:
    name = "action"

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext:
        plan = work.plan
        if plan.kind not in NOT_UNDERSTOOD or work.name:
            work.customer = work.customer or upsert_customer(
                session, ctx.tenant.tenant, ctx.interaction.from_phone, ctx.now)
            remember_name(work.customer, work.name)
        work.result = ACTIONS.get(plan.kind, keep_talking)(ctx, session, work, plan)
        if plan.kind != "not_understood":
            ctx.slots.pop("missed", None)  # understood: the count of misses starts again
        ctx.outcome = work.result
        return ctx


def hold_offer(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """Hold the offered time while the customer decides."""
    _drop_offer(ctx, session)
    service = service_of(ctx.tenant, plan.service)
    moving = booking_of(session, ctx.tenant.tenant, ctx.slots.get("moving"))
    work.booking = place_hold(session, ctx.tenant, work.customer, service, plan.start, ctx.now,
                              key=_key(ctx, "hold"), interaction_id=ctx.interaction_id, moves=moving)
    ctx.slots.pop("choices", None)
    ctx.slots["offer"] = {"hold": work.booking.id, "start": plan.start.isoformat(), "service": service.id}
    return "held"


def take(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """A time the customer saw and chose (a numbered pick, or YES after the hold lapsed)."""
    hold_offer(ctx, session, work, plan)
    return accept_hold(ctx, session, work, plan)


def accept_hold(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    hold = work.booking or booking_of(session, ctx.tenant.tenant, plan.booking_id)
    moving = booking_of(session, ctx.tenant.tenant, hold.moves_id)
    end_booking_talk(ctx.slots)
    if moving is not None:
        work.booking, work.moved_from = moving, moving.start
        move(session, ctx.tenant, hold, moving, ctx.now)
        return "moved"
    work.booking = hold
    result = accept(session, ctx.tenant, hold, ctx.now)
    _ask_name_once(ctx, work)
    return result


def _ask_name_once(ctx: ExecutionContext, work: Work) -> None:
    """A new customer is asked their name once, after their first booking."""
    customer = work.customer
    if customer.name is None and customer.name_asked_at is None:
        customer.name_asked_at = ctx.now
        ctx.slots["name_for"] = work.booking.id
        work.ask_name = True


def booked_already(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """A second YES (or pick) for what the first one booked: nothing more is booked."""
    _drop_offer(ctx, session)
    end_booking_talk(ctx.slots)
    work.booking = booking_of(session, ctx.tenant.tenant, plan.booking_id)
    return "already_booked"


def offer_choices(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    _drop_offer(ctx, session)
    ctx.slots["choices"] = {"starts": [s.isoformat() for s in plan.starts], "service": plan.service}
    return "choices_offered"


def cancel_booking(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    booking = booking_of(session, ctx.tenant.tenant, plan.booking_id, lock=True)
    _drop_offer(ctx, session)
    end_booking_talk(ctx.slots)
    work.booking = booking
    cancel(session, ctx.tenant, booking, ctx.now, "customer")
    return "cancelled"


def confirm_visit(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    work.booking = booking_of(session, ctx.tenant.tenant, plan.booking_id)
    work.booking.answered_reminder = "confirmed"
    return "visit_confirmed"


def let_go(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    _drop_offer(ctx, session)
    end_booking_talk(ctx.slots)
    return "declined"


def ask_which(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    ctx.slots["which"] = {"bookings": list(plan.bookings), "action": plan.text}
    return "asked_which"


def note_for_team(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    what = "asks for someone" if plan.kind == "operator" else "asked something I can't answer"
    asked = work.question or ctx.text
    told = tell_operator(session, ctx.tenant, fit(f"{_who(ctx, work)} {what}: \"{asked}\""), ctx.interaction_id,
                         urgent=True)  # a customer waits for a person
    return "team_told" if told else "no_operator"


def offer_to_ask(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """Something the file doesn't list: the customer is asked whether the team should be asked."""
    ctx.slots["ask_team"] = {"q": ctx.text[:300]}
    return "unlisted"


def misunderstood(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """A text not understood gets a short question back; the second in a row goes to the
    operator (once: a third is asked about again, so an auto-responder can't flood anyone)."""
    missed = [*ctx.slots.get("missed", []), ctx.text[:120]]
    ctx.slots["missed"] = missed[:HAND_OFF + 1]  # past the hand-off the count stays put
    if len(missed) != HAND_OFF:
        return "not_understood"
    quoted = " / ".join(f'"{text}"' for text in missed)
    body = fit(f"{_who(ctx, work)} wrote what I couldn't understand: {quoted}. Please get back to them.")
    return "handed_off" if tell_operator(session, ctx.tenant, body, ctx.interaction_id) else "no_operator"


def _who(ctx: ExecutionContext, work: Work) -> str:
    customer = work.customer
    return f"{customer.name} ({customer.phone})" if customer and customer.name else ctx.interaction.from_phone


def end_talk(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """A refusal or a dead end: what was being booked is let go."""
    _drop_offer(ctx, session)
    if plan.kind in ("too_late", "no_booking"):
        end_booking_talk(ctx.slots)
    return plan.kind


def keep_talking(ctx: ExecutionContext, session: Session, work: Work, plan: Plan) -> str:
    """Nothing to write: a question asked back, or an answer from the config."""
    return plan.kind


def _drop_offer(ctx: ExecutionContext, session: Session) -> None:
    offer = ctx.slots.pop("offer", None)
    if offer:
        drop_hold(session, booking_of(session, ctx.tenant.tenant, offer.get("hold")))


def _key(ctx: ExecutionContext, what: str) -> str:
    """An idempotency key derived from the interaction (its provider id)."""
    return f"{ctx.interaction.provider_key}:{what}"[:160]


ACTIONS: dict[str, Act] = {
    "offer": hold_offer, "take": take, "accept": accept_hold, "already_booked": booked_already,
    "choices": offer_choices,
    "cancel": cancel_booking, "visit_confirmed": confirm_visit, "declined": let_go, "which": ask_which,
    "operator": note_for_team, "ask_team": note_for_team, "refuse": end_talk, "too_late": end_talk,
    "no_booking": end_talk, "unlisted": offer_to_ask, "not_understood": misunderstood,
}
