"""A tenant's confirmed bookings as an iCalendar (RFC 5545) feed, with the icalendar library.

Each booking is one VEVENT whose UID stays the same for the booking's life, so a calendar
app that subscribes moves the event when the booking moves and drops it when cancelled.
Times are in the tenant's zone, with its VTIMEZONE.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from config.schema import Tenant

PRODID = "-//Onward//Bookings//EN"


@dataclass(frozen=True)
class CalendarEntry:
    booking_id: int
    service_name: str
    start: datetime
    end: datetime
    customer_name: str | None
    customer_phone: str
    price: str
    deposit: str
    stamp: datetime  # when the booking last became what it is


def render_feed(tenant: Tenant, entries: list[CalendarEntry], now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{tenant.name} bookings")
    calendar.add("x-wr-timezone", tenant.timezone)
    for entry in entries:
        calendar.add_component(event_of(tenant, entry))
    first = min((e.start for e in entries), default=now).astimezone(tenant.zone).date()
    last = max((e.end for e in entries), default=now).astimezone(tenant.zone).date()
    calendar.add_missing_timezones(first_date=first - timedelta(days=1), last_date=last + timedelta(days=1))
    return calendar.to_ical()


def event_of(tenant: Tenant, entry: CalendarEntry) -> Event:
    who = entry.customer_name or entry.customer_phone
    event = Event()
    event.add("uid", uid(tenant, entry.booking_id))
    event.add("dtstamp", entry.stamp)
    event.add("dtstart", entry.start.astimezone(tenant.zone))
    event.add("dtend", entry.end.astimezone(tenant.zone))
    event.add("summary", f"{entry.service_name}: {who}")
    deposit = f", deposit ${entry.deposit}" if entry.deposit != "0.00" else ""
    event.add("description", f"{who} ({entry.customer_phone}), ${entry.price}{deposit}. Booking #{entry.booking_id}.")
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def uid(tenant: Tenant, booking_id: int) -> str:
    return f"booking-{booking_id}.{tenant.tenant}@onward"

