"""What customers and the operator read (or hear): every booking text, from the config only.

Texts stay under 320 characters; spoken answers (voice) say "say" where texts say
"reply" and carry no symbols a voice would stumble on.
"""
from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Sequence

from agents.booking.availability import hours_on
from config.schema import DAYS, Service, Tenant, days_of
from confirmations.length import shorten
from store.models import Booking

LIMIT = 320


def money(amount: Decimal) -> str:
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


def clock(moment: time) -> str:
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def when(tenant: Tenant, start: datetime, voice: bool = False) -> str:
    """ "Tue Nov 24 at 3:00 PM" in the tenant's zone ("Tuesday November 24" spoken)."""
    return f"{day_of(tenant, start, voice)} at {clock_at(tenant, start)}"


def day_of(tenant: Tenant, start: datetime, voice: bool = False) -> str:
    local = start.astimezone(tenant.zone)
    return f"{local.strftime('%A %B' if voice else '%a %b')} {local.day}"


def clock_at(tenant: Tenant, start: datetime) -> str:
    return clock(start.astimezone(tenant.zone).time())


def say(voice: bool) -> str:
    return "Say" if voice else "Reply"


def fit(text: str) -> str:
    return shorten(text, LIMIT)


def price_of(service: Service) -> str:
    deposit = f" ({money(service.deposit)} deposit)" if service.deposit else ""
    return f"{money(service.price)}{deposit}"


def offer(tenant: Tenant, service: Service, start: datetime, voice: bool) -> str:
    """The exact day and time a customer sees before anything is booked."""
    return (f"{service.name}, {when(tenant, start, voice)}, {price_of(service)}. "
            f"{say(voice)} YES to book.")


def move_offer(tenant: Tenant, service: Service, old: datetime, new: datetime, voice: bool) -> str:
    return (f"Move your {service.name} from {when(tenant, old, voice)} to {when(tenant, new, voice)}? "
            f"{say(voice)} YES to move it.")


def choices(tenant: Tenant, starts: Sequence[datetime], voice: bool) -> str:
    listed = "; ".join(f"{i}) {when(tenant, s, voice)}" for i, s in enumerate(starts, 1))
    numbers = " or ".join(", ".join(str(i) for i in range(1, len(starts) + 1)).rsplit(", ", 1))
    return f"{listed}. {say(voice)} {numbers} to pick, or name another time."


def why_not(tenant: Tenant, reason: str, start: datetime, voice: bool) -> str:
    """Why a wished time can't be had, in a customer's words."""
    rules, moment = tenant.booking, when(tenant, start, voice)
    return {
        "past": f"{moment} has already passed.",
        "too_soon": f"We need {span_words(rules.min_notice)} notice to book, so {moment} is too soon.",
        "too_far": f"We book up to {span_words(rules.horizon)} ahead, so {moment} is too far out.",
        "closed": f"We're closed on {start.astimezone(tenant.zone).strftime('%A')}s.",
        "outside_hours": f"{moment} is outside our hours ({hours_on_day(tenant, start)}).",
        "off_grid": f"Appointments start every {span_words(rules.slot_step)}, so not at {moment}.",
        "taken": f"{moment} is taken.",
    }[reason]


def span_words(duration) -> str:
    minutes = int(duration.total_seconds() // 60)
    for unit, size in (("day", 1440), ("hour", 60)):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minutes"


def hours_on_day(tenant: Tenant, start: datetime) -> str:
    hours = hours_on(tenant, start.astimezone(tenant.zone).date())
    return "closed" if hours is None else f"{clock(hours[0])} to {clock(hours[1])}"


def hours_text(tenant: Tenant) -> str:
    parts = []
    for key, value in tenant.hours.items():
        days = days_of(key)
        label = days[0].title() if len(days) == 1 else f"{days[0].title()}-{days[-1].title()}"
        parts.append(f"{label} {'closed' if value == 'closed' else clock(value[0]) + '-' + clock(value[1])}")
    listed = {d for key in tenant.hours for d in days_of(key)}
    missing = [d.title() for d in DAYS if d not in listed]
    if missing:
        parts.append(f"{', '.join(missing)} closed")
    return fit(f"{tenant.name} hours: {', '.join(parts)}." if parts else
               f"{tenant.name}: please call us for our hours.")


def prices_text(tenant: Tenant) -> str:
    if not tenant.services:
        return f"{tenant.name}: please call us for prices."
    listed = ", ".join(f"{s.name} {price_of(s)}" for s in tenant.services)
    return fit(f"{listed}. Text the service and a time to book.")


def services_question(tenant: Tenant, voice: bool) -> str:
    names = ", ".join(f"{s.name} {money(s.price)}" for s in tenant.services)
    return fit(f"Which service would you like? {names}.")


def confirmation(tenant: Tenant, service: Service, booking: Booking, voice: bool) -> str:
    deposit = ""
    if booking.deposit:
        deposit = f" Deposit {money(booking.deposit)}, paid in the shop."
    return fit(f"You're booked: {service.name}, {when(tenant, booking.start, voice)}, "
               f"{money(booking.price)}.{deposit} {change_hint(tenant, voice)}")


def change_hint(tenant: Tenant, voice: bool) -> str:
    cutoff = span_words(tenant.booking.cancel_cutoff)
    return (f"Reply X to cancel or R to reschedule, at least {cutoff} before." if not voice
            else f"To cancel or move it, call or text us at least {cutoff} before.")


def deposit_due(tenant: Tenant, service: Service, booking: Booking) -> str:
    return fit(f"Almost done: {service.name}, {when(tenant, booking.start)}, {money(booking.price)}. "
               f"Pay the {money(booking.deposit)} deposit with the link we're texting you to confirm it.")


def moved(tenant: Tenant, service: Service, booking: Booking, voice: bool) -> str:
    return fit(f"Done, your {service.name} is now {when(tenant, booking.start, voice)}, "
               f"{money(booking.price)}. {change_hint(tenant, voice)}")


def cancelled(tenant: Tenant, service: Service, booking: Booking, voice: bool) -> str:
    return fit(f"Your {service.name} on {when(tenant, booking.start, voice)} is cancelled. "
               f"Text us any time to book again.")


def too_late_to_change(tenant: Tenant, service: Service, booking: Booking, voice: bool) -> str:
    cutoff = span_words(tenant.booking.cancel_cutoff)
    return fit(f"Your {service.name} on {when(tenant, booking.start, voice)} is less than {cutoff} away, "
               f"so it can't be changed by text. Please call us at {phone_words(tenant)}.")


def phone_words(tenant: Tenant) -> str:
    number = tenant.numbers[0]
    if number.startswith("+1") and len(number) == 12:
        return f"{number[2:5]}-{number[5:8]}-{number[8:]}"
    return number


def reminder(tenant: Tenant, service: Service, booking: Booking) -> str:
    return fit(f"Reminder from {tenant.name}: your {service.name} is {when(tenant, booking.start)}. "
               f"Reply C to confirm, R to reschedule or X to cancel.")


def which_booking(tenant: Tenant, bookings: Sequence[Booking], services: dict[str, Service],
                  action: str, voice: bool) -> str:
    listed = "; ".join(f"{i}) {_service_name(services, b)} {when(tenant, b.start, voice)}"
                       for i, b in enumerate(bookings, 1))
    return fit(f"Which one should I {action}? {listed}. {say(voice)} the number.")


def _service_name(services: dict[str, Service], booking: Booking) -> str:
    service = services.get(booking.service)
    return service.name if service else booking.service


def operator_notice(tenant: Tenant, what: str, service_name: str, start: datetime,
                    name: str | None, phone: str, old: datetime | None = None) -> str:
    who = f"{name} ({phone})" if name else phone
    moved_from = f" (was {when(tenant, old)})" if old else ""
    return fit(f"{what}: {service_name} {when(tenant, start)}{moved_from} for {who}.")
