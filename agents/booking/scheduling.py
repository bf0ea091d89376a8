"""Deciding a time: from what the customer wants so far to a plan — ask what's missing,
offer the exact time, or offer the nearest free times and say why.

The day is locked before a time is judged free and offered, so the hold the action agent
then writes in the same transaction can't be taken by anyone in between.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from agents.booking.availability import (at_local, free_starts, hours_on, local_day, nearest_free,
                                         search_window, verdict)
from agents.booking.calendar import booking_of, busy_during, lock_days, taken_by
from agents.booking.lifecycle import service_of
from agents.booking.slots import Want, put_want
from agents.booking.work import Plan
from agents.context import ExecutionContext
from agents.understanding.result import Understanding
from config.schema import Service, Tenant

NOON = time(12)
PERIOD_STARTS = {"morning": time(6), "afternoon": time(12), "evening": time(17)}
ALTERNATIVES = 3


def plan_for_want(ctx: ExecutionContext, session: Session, want: Want) -> Plan:
    """The next step towards booking what the customer wants so far."""
    tenant = ctx.tenant
    if want.day is not None and want.day < local_day(tenant, ctx.now):  # "yesterday at 3"
        put_want(ctx.slots, replace(want, day=None))  # the next text names the day; the rest is kept
        return Plan("refuse", reason="past_day")
    moving = booking_of(session, tenant.tenant, ctx.slots.get("moving"))
    service = chosen_service(tenant, want, moving.service if moving else None)
    if service is None:
        return Plan("ask_service")
    if want.day is None and want.time is None:
        return Plan("ask_when", service=service.id, booking_id=moving.id if moving else None)
    start = wanted_start(tenant, want, ctx.now)
    if start is None:
        return day_plan(ctx, session, service, want)
    return time_plan(ctx, session, service, start)


def merged(want: Want, ctx: ExecutionContext, heard: Understanding | None) -> Want:
    """What the customer wants, with what this text adds or changes ("make it 4" keeps
    the day; "Friday morning" drops the time asked before)."""
    if heard is None:
        return want
    given = {"service": heard.service, "day": heard.day, "time": heard.time, "period": heard.period}
    if heard.at is not None:
        local = heard.at.astimezone(ctx.tenant.zone)
        given |= {"day": local.date(), "time": local.time().replace(second=0, microsecond=0)}
    elif heard.period and heard.time is None:
        want = replace(want, time=None)
    return want.updated(**given)


def chosen_service(tenant: Tenant, want: Want, moving_service: str | None) -> Service | None:
    if want.service:
        return service_of(tenant, want.service)
    if moving_service:
        return service_of(tenant, moving_service)
    return tenant.services[0] if len(tenant.services) == 1 else None


def wanted_start(tenant: Tenant, want: Want, now: datetime) -> datetime | None:
    """The exact moment asked for; None while only a day (or a part of one) is known.

    A time without a day is today if it's still ahead with enough notice, else tomorrow.
    "at 3" means 3 PM when the shop is open at 3 PM and not at 3 AM.
    """
    if want.time is None:
        return None
    day = want.day or _next_day_for(tenant, want.time, now)
    clock = afternoon_if_meant(tenant, day, want.time)
    return at_local(tenant, day, clock) or at_local(tenant, day, (datetime.combine(day, clock)
                                                                   + timedelta(hours=1)).time())


def _next_day_for(tenant: Tenant, clock: time, now: datetime) -> date:
    today = local_day(tenant, now)
    moment = at_local(tenant, today, afternoon_if_meant(tenant, today, clock))
    if moment is not None and moment >= now + tenant.booking.min_notice:
        return today
    return today + timedelta(days=1)


def afternoon_if_meant(tenant: Tenant, day: date, clock: time) -> time:
    hours = hours_on(tenant, day)
    if hours is None or not 1 <= clock.hour < 12:
        return clock
    later = clock.replace(hour=clock.hour + 12)
    opens, closes = hours
    return later if not opens <= clock < closes and opens <= later < closes else clock


def day_plan(ctx: ExecutionContext, session: Session, service: Service, want: Want) -> Plan:
    """Only a day (or a part of it) is known: ask the time, or offer free times."""
    tenant, now, day = ctx.tenant, ctx.now, want.day
    around = at_local(tenant, day, PERIOD_STARTS.get(want.period, NOON)) or now
    if around > now + tenant.booking.horizon and day > local_day(tenant, now + tenant.booking.horizon):
        return Plan("refuse", service=service.id, reason="too_far", start=around)
    busy = busy_during(session, tenant, search_window(tenant, around, now), now, _own_holds(ctx))
    free = free_starts(tenant, service, day, busy, now, want.period)
    if hours_on(tenant, day) is None:
        return _alternatives(ctx, service, around, busy, "closed")
    if not free:
        return _alternatives(ctx, service, around, busy, "full")
    if want.period:
        return Plan("choices", service=service.id, starts=tuple(free[:ALTERNATIVES]), day=day)
    return Plan("ask_time", service=service.id, day=day, start=free[0])


def time_plan(ctx: ExecutionContext, session: Session, service: Service, start: datetime) -> Plan:
    """An exact time: lock its day; offer it when free, else say why and offer others."""
    tenant, now = ctx.tenant, ctx.now
    lock_days(session, tenant.tenant, [local_day(tenant, start)])
    busy = busy_during(session, tenant, search_window(tenant, start, now), now, _own_holds(ctx))
    reason = verdict(tenant, service, start, busy, now)
    if reason == "ok":
        return Plan("offer", service=service.id, start=start)
    if reason in ("past", "too_far"):
        return Plan("refuse", service=service.id, reason=reason, start=start)
    return _alternatives(ctx, service, start, busy, reason)


def _alternatives(ctx: ExecutionContext, service: Service, wanted: datetime, busy, reason: str) -> Plan:
    starts = nearest_free(ctx.tenant, service, wanted, busy, ctx.now, ALTERNATIVES)
    if not starts:
        return Plan("refuse", service=service.id, reason=reason, start=wanted)
    return Plan("choices", service=service.id, reason=reason, start=wanted, starts=tuple(starts))


def taken_time(ctx: ExecutionContext, session: Session, service: Service, start: datetime) -> Plan | None:
    """None when `start` can still be had (its day now locked); else the plan that says
    it was just taken and offers others, or that this customer has it already."""
    tenant, now = ctx.tenant, ctx.now
    lock_days(session, tenant.tenant, [local_day(tenant, start)])
    twin = taken_by(session, tenant.tenant, ctx.interaction.from_phone, service.id, start)
    if twin is not None:
        return Plan("already_booked", service=service.id, start=start, booking_id=twin.id)
    busy = busy_during(session, tenant, search_window(tenant, start, now), now, _own_holds(ctx))
    reason = verdict(tenant, service, start, busy, now)
    if reason == "ok":
        return None
    if reason in ("past", "too_soon", "too_far"):
        return Plan("refuse", service=service.id, reason=reason, start=start)
    return _alternatives(ctx, service, start, busy, "just_taken")


def _own_holds(ctx: ExecutionContext) -> list[int | None]:
    """What this customer holds now doesn't stand in their own way: their offer, and the
    booking they are moving."""
    return [(ctx.slots.get("offer") or {}).get("hold"), ctx.slots.get("moving")]
