"""What customers and the operator read (or hear): every booking text, from the config only.

Customer texts are in the customer's language (`Words`: the templates of agents/templates,
and dates and prices in that language); the operator's notices are in English. Texts stay
under 320 characters; spoken answers (voice) say "say" where texts say "reply".
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from agents.booking.availability import hours_on
from agents.templates.words import Words, clock, money
from config.schema import DAYS, Service, Tenant, days_of
from confirmations.length import shorten
from store.models import Booking

__all__ = ["Words", "clock", "money"]
LIMIT = 320


def fit(text: str) -> str:
    return shorten(text, LIMIT)


def offer(w: Words, service: Service, start: datetime) -> str:
    """The exact day and time a customer sees before anything is booked."""
    return w("offer", service=service.name, when=w.when(start), price=w.price(service), reply=w.reply)


def move_offer(w: Words, service: Service, old: datetime, new: datetime) -> str:
    return w("move_offer", service=service.name, old=w.when(old), new=w.when(new), reply=w.reply)


def choices(w: Words, starts: Sequence[datetime]) -> str:
    listed = "; ".join(f"{i}) {w.when(s)}" for i, s in enumerate(starts, 1))
    return w("choices", listed=listed, numbers=w.numbers(len(starts)), reply=w.reply)


def why_not(w: Words, reason: str, start: datetime) -> str:
    """Why a wished time can't be had, in a customer's words."""
    rules = w.tenant.booking
    return w(f"why_{reason}", when=w.when(start), day=w.day(start), notice=w.span(rules.min_notice),
             horizon=w.span(rules.horizon), weekdays=w.weekdays(start), hours=hours_on_day(w, start),
             step=w.span(rules.slot_step))


def hours_on_day(w: Words, start: datetime) -> str:
    hours = hours_on(w.tenant, start.astimezone(w.tenant.zone).date())
    return w("closed") if hours is None else w("range", opens=clock(hours[0]), closes=clock(hours[1]))


def hours_text(w: Words) -> str:
    tenant, parts = w.tenant, []
    for key, value in tenant.hours.items():
        days = days_of(key)
        label = w.day_name(days[0]) if len(days) == 1 else f"{w.day_name(days[0])}-{w.day_name(days[-1])}"
        parts.append(f"{label} {w('closed') if value == 'closed' else clock(value[0]) + '-' + clock(value[1])}")
    listed = {d for key in tenant.hours for d in days_of(key)}
    missing = [w.day_name(d) for d in DAYS if d not in listed]
    if missing:
        parts.append(f"{', '.join(missing)} {w('closed')}")
    if not parts:
        return fit(w("hours_unknown", business=tenant.name))
    return fit(w("hours", business=tenant.name, hours=", ".join(parts)))


def prices_text(w: Words) -> str:
    if not w.tenant.services:
        return w("prices_unknown", business=w.tenant.name)
    return fit(w("prices", listed=", ".join(f"{s.name} {w.price(s)}" for s in w.tenant.services)))


def services_question(w: Words) -> str:
    return fit(w("services_question", services=", ".join(f"{s.name} {money(s.price)}" for s in w.tenant.services)))


def confirmation(w: Words, service: Service, booking: Booking) -> str:
    deposit = w("deposit_in_shop", deposit=money(booking.deposit)) if booking.deposit else ""
    return fit(w("confirmation", service=service.name, when=w.when(booking.start), price=money(booking.price),
                 deposit=deposit, change=change_hint(w)))


def change_hint(w: Words) -> str:
    return w("change_hint_voice" if w.voice else "change_hint", cutoff=w.span(w.tenant.booking.cancel_cutoff))


def deposit_due(w: Words, service: Service, booking: Booking) -> str:
    return fit(w("deposit_due", service=service.name, when=w.when(booking.start), price=money(booking.price),
                 deposit=money(booking.deposit)))


def moved(w: Words, service: Service, booking: Booking) -> str:
    return fit(w("moved", service=service.name, when=w.when(booking.start), price=money(booking.price),
                 change=change_hint(w)))


def cancelled(w: Words, service: Service, booking: Booking) -> str:
    return fit(w("cancelled", service=service.name, when=w.when(booking.start)))


def too_late_to_change(w: Words, service: Service, booking: Booking) -> str:
    return fit(w("too_late", service=service.name, when=w.when(booking.start), phone=phone_words(w.tenant),
                 cutoff=w.span(w.tenant.booking.cancel_cutoff)))


def phone_words(tenant: Tenant) -> str:
    number = tenant.numbers[0]
    if number.startswith("+1") and len(number) == 12:
        return f"{number[2:5]}-{number[5:8]}-{number[8:]}"
    return number


def reminder(w: Words, service: Service, booking: Booking) -> str:
    return fit(w("reminder", business=w.tenant.name, service=service.name, when=w.when(booking.start)))


def which_booking(w: Words, bookings: Sequence[Booking], services: dict[str, Service], action: str) -> str:
    listed = "; ".join(f"{i}) {_service_name(services, b)} {w.when(b.start)}" for i, b in enumerate(bookings, 1))
    return fit(w(f"which_{action}", listed=listed, reply=w.reply))


def _service_name(services: dict[str, Service], booking: Booking) -> str:
    service = services.get(booking.service)
    return service.name if service else booking.service


def operator_notice(tenant: Tenant, what: str, service_name: str, start: datetime,
                    name: str | None, phone: str, old: datetime | None = None) -> str:
    """The operator's notice of a booking change: in English, whatever the customer's language."""
    w = Words(tenant)
    who = f"{name} ({phone})" if name else phone
    moved_from = f" (was {w.when(old)})" if old else ""
    return fit(f"{what}: {service_name} {w.when(start)}{moved_from} for {who}.")
