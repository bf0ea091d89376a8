"""One booking: its customer, their texts, the deposit, the writes to outside systems; and
Move and Cancel, through agents/booking/rebooking.py: the rules, the writes and the
texts to the customer and the operator are those of a customer's own text.

    GET  /console/bookings/<id>
    POST /console/bookings/<id>/move     day=YYYY-MM-DD time=HH:MM
    POST /console/bookings/<id>/cancel
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from agents.booking.availability import at_local
from agents.booking.messages import why_not
from agents.booking.rebooking import cancel_booking, changeable, move_booking
from agents.templates.words import Words
from config.schema import Tenant
from console import clock, console
from console.access import deciders_only, signed, tenant_row_or_404
from runtime import current_runtime
from store.models import Booking, Customer, IntegrationJob, Message, PaymentEvent

MAX_TEXTS = 50  # the customer's newest texts; the whole thread is on Conversations


@console.get("/bookings/<int:booking_id>")
def booking_page(booking_id: int):
    deciders_only()
    who = signed()
    now = clock.now()
    with current_runtime().db.session() as session:
        booking = tenant_row_or_404(session, Booking, booking_id)
        customer = session.get(Customer, booking.customer_id)
        texts = list(session.scalars(
            select(Message).where(Message.tenant == who.tenant_id,
                                  or_(Message.to_phone == customer.phone, Message.from_phone == customer.phone))
            .order_by(Message.id.desc()).limit(MAX_TEXTS)))[::-1]
        writes = list(session.scalars(select(IntegrationJob).where(
            IntegrationJob.tenant == who.tenant_id, IntegrationJob.booking_id == booking.id).order_by(IntegrationJob.id)))
        payments = list(session.scalars(select(PaymentEvent).where(
            PaymentEvent.tenant == who.tenant_id, PaymentEvent.booking_id == booking.id).order_by(PaymentEvent.id)))
    service = next((s for s in who.tenant.services if s.id == booking.service), None)
    local = booking.start.astimezone(who.tenant.zone)
    return render_template("console/booking.html", booking=booking, customer=customer, texts=texts,
                           writes=writes, payments=payments, service=service, zone=who.tenant.zone,
                           changeable=changeable(booking, now), day=local.date().isoformat(),
                           at=local.strftime("%H:%M"), who=who)


@console.post("/bookings/<int:booking_id>/move")
def move_from_page(booking_id: int):
    deciders_only()
    tenant = signed().tenant
    with current_runtime().db.session() as session:
        tenant_row_or_404(session, Booking, booking_id)
        start = asked_start(tenant, request.form.get("day", ""), request.form.get("time", ""))
        if start is None:
            flash("Give the new day and time, like 2026-11-26 and 11:00. Nothing changed.", "error")
        else:
            outcome = move_booking(session, tenant, booking_id, start, clock.now())
            flash(*said(tenant, outcome, start))
    return redirect(url_for("console.booking_page", booking_id=booking_id))


@console.post("/bookings/<int:booking_id>/cancel")
def cancel_from_page(booking_id: int):
    deciders_only()
    tenant = signed().tenant
    with current_runtime().db.session() as session:
        booking = tenant_row_or_404(session, Booking, booking_id)
        start = booking.start
        outcome = cancel_booking(session, tenant, booking_id, clock.now())
        flash(*said(tenant, outcome, start))
    return redirect(url_for("console.booking_page", booking_id=booking_id))


def asked_start(tenant: Tenant, day: str, clock_time: str) -> datetime | None:
    """The form's local day and time as a moment; None when either is not one (or the
    clocks skip that time that day)."""
    try:
        return at_local(tenant, date.fromisoformat(day.strip()), time.fromisoformat(clock_time.strip()))
    except (ValueError, OverflowError):
        return None


def said(tenant: Tenant, outcome: str, start: datetime) -> tuple[str, str]:
    """What the page says after a Move or Cancel, and whether it is good news."""
    w = Words(tenant)
    if outcome == "moved":
        return f"Moved to {w.when(start)}. The customer has been texted and the operator told.", "notice"
    if outcome == "cancelled":
        return "Cancelled. The customer has been texted and the operator told.", "notice"
    return f"{REFUSALS.get(outcome, why_not)(w, outcome, start)} Nothing changed.", "error"


REFUSALS = {
    "gone": lambda w, outcome, start: "This booking can't be changed: it is cancelled, lapsed or only an offer.",
    "too_late": lambda w, outcome, start: (f"It starts in less than {w.span(w.tenant.booking.cancel_cutoff)}, "
                                          "past the cutoff for changes: call the customer."),
    "unchanged": lambda w, outcome, start: f"It is at {w.when(start)} already.",
}
