"""Decisions about a customer's existing bookings: cancel, move, and the reminder's C.

Which booking is meant: the only one ahead, the one reminded of (an R or X answer), the
only one on the day named; otherwise the customer is asked. Nothing changes by text
closer than `booking.cancel_cutoff` before the appointment.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.booking.availability import local_day
from agents.booking.lifecycle import within_cutoff
from agents.booking.scheduling import merged, plan_for_want
from agents.booking.slots import Want, put_want, state_of
from agents.booking.work import Plan, Work
from agents.context import ExecutionContext
from store.models import Booking

BOOKING_TALK = ("confirming", "choosing", "booking")
WHICH_LISTED = 3


def plan_cancel(ctx: ExecutionContext, session: Session, work: Work) -> Plan:
    if not work.upcoming and state_of(ctx.slots) in ("confirming", "choosing"):
        return Plan("declined")  # "cancel that" about a time only offered
    return target_plan(ctx, session, work, "cancel")


def changes_the_wish(ctx: ExecutionContext, work: Work) -> bool:
    """ "Make it 4" while booking (or moving) changes the time being booked."""
    return state_of(ctx.slots) in BOOKING_TALK and (not work.upcoming or "moving" in ctx.slots)


def target_plan(ctx: ExecutionContext, session: Session, work: Work, action: str) -> Plan:
    if not work.upcoming:
        return Plan("no_booking", text=action)
    booking = _target(ctx, work)
    if booking is None:
        return Plan("which", bookings=tuple(b.id for b in work.upcoming[:WHICH_LISTED]), text=action)
    return change_plan(ctx, session, work, booking, action)


def _target(ctx: ExecutionContext, work: Work) -> Booking | None:
    """The booking meant: the only one, the one reminded of (an R or X answer), or the
    only one on the day named."""
    if len(work.upcoming) == 1:
        return work.upcoming[0]
    heard = work.heard
    if heard is not None and heard.intent != work.intent:  # a reminder's letter
        return reminded(work)
    day = heard.day if heard is not None and work.intent == "cancel" else None
    same_day = [b for b in work.upcoming if local_day(ctx.tenant, b.start) == day]
    return same_day[0] if len(same_day) == 1 else None


def change_plan(ctx: ExecutionContext, session: Session, work: Work, booking: Booking, action: str) -> Plan:
    if within_cutoff(ctx.tenant, booking, ctx.now):
        return Plan("too_late", booking_id=booking.id)
    if action == "cancel":
        return Plan("cancel", booking_id=booking.id)
    ctx.slots.pop("offer", None)
    ctx.slots["moving"] = booking.id
    want = merged(Want(service=booking.service), ctx, work.heard)
    put_want(ctx.slots, want)
    if want.day is None and want.time is None:
        return Plan("ask_when", service=booking.service, booking_id=booking.id)
    return plan_for_want(ctx, session, want)


def plan_visit(work: Work) -> Plan:
    """C: the customer is coming to the booking they were reminded of."""
    booking = reminded(work)
    if booking is None:
        return Plan("no_booking", text="confirm")
    return Plan("visit_confirmed", booking_id=booking.id)


def reminded(work: Work) -> Booking | None:
    """The next booking the customer was reminded of, else their next booking."""
    reminded = [b for b in work.upcoming if b.reminded_at is not None]
    return (reminded or work.upcoming or [None])[0]
