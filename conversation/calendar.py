"""GET /api/v1/calendar.ics: the tenant's confirmed bookings as an iCalendar feed.

Calendar apps subscribe by URL and cannot send headers, so the tenant's API token is
taken as a bearer token or as ?token=. A token reads its own tenant's bookings only.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.schema import Tenant
from integrations.calendar.ical import CalendarEntry, render_feed
from runtime import current_runtime
from store.db import utcnow
from store.models import Booking, Customer

calendar_feed = Blueprint("calendar_feed", __name__)
LOOKBACK = timedelta(days=31)  # past bookings kept in the feed
MAX_EVENTS = 2000


@calendar_feed.get("/api/v1/calendar.ics")
def calendar_ics():
    tenant = tenant_of_request()
    if tenant is None:
        response = jsonify(error="send your tenant's api_token as Authorization: Bearer <token> or ?token=")
        return response, 401
    now = utcnow()
    with current_runtime().db.session() as session:
        entries = confirmed_entries(session, tenant, now - LOOKBACK)
    body = render_feed(tenant, entries, now)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{tenant.tenant}.ics"', "Cache-Control": "private, max-age=300"})


def tenant_of_request() -> Tenant | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        token = request.args.get("token", "")
    token = token.strip()
    return current_runtime().tenants.by_token(token) if token else None


def confirmed_entries(session: Session, tenant: Tenant, since: datetime) -> list[CalendarEntry]:
    query = (select(Booking, Customer).join(Customer, Customer.id == Booking.customer_id)
             .where(Booking.tenant == tenant.tenant, Booking.state == "confirmed", Booking.end >= since)
             .order_by(Booking.start, Booking.id).limit(MAX_EVENTS))
    names = {s.id: s.name for s in tenant.services}
    return [CalendarEntry(
        booking_id=b.id, service_name=names.get(b.service, b.service), start=b.start, end=b.end,
        customer_name=c.name, customer_phone=c.phone, price=f"{b.price:.2f}", deposit=f"{b.deposit:.2f}",
        stamp=b.confirmed_at or b.created_at) for b, c in session.execute(query)]
