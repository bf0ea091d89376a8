"""The JSON API's interaction pipeline and its records, same bearer tokens as api.py:

    POST /api/v1/interactions   {"from", "text", "id"?} -> the same pipeline as a text
    GET  /api/v1/bookings       the built-in calendar (filters: state, service, since)
    GET  /api/v1/executions     agent traces (filters: outcome, since)

An interaction's provider key is the tenant and the caller's `id` (or Idempotency-Key
header), so a retried call is answered as the first one was and changes nothing again.
The API speaks for customers: a call from one of the tenant's own people (staff, owner)
is refused with 403 unless the tenant file's `api_scope` includes `people`, since their
texts complete runs and answer escalations.
"""
from __future__ import annotations

import json
import uuid

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from agents.context import ExecutionContext, Interaction
from config.schema import Tenant
from conversation.api import ApiError, api_error, authenticate, tenant_rows_newest_first
from conversation.intake import take_in
from conversation.interaction import MAX_BODY, clean_text, parse_phone
from routing.tenants import resolve_actor
from runtime import current_runtime
from store.db import utcnow
from store.models import Booking, Customer, Execution, Interaction as InteractionRow

booking_api = Blueprint("booking_api", __name__, url_prefix="/api/v1")
booking_api.before_request(authenticate)
booking_api.errorhandler(ApiError)(api_error)
MAX_ID = 64


@booking_api.post("/interactions")
def post_interaction():
    tenant = g.tenant
    interaction = interaction_from(request.get_json(silent=True, force=True), tenant)
    check_scope(tenant, interaction.from_phone)
    answer = json.loads(take_in(current_runtime(), tenant, interaction, render_answer) or "{}")
    interaction_id, execution_id = recorded_ids(interaction.provider_key)
    return jsonify(interaction=interaction_id, execution=execution_id, replies=answer.get("replies", []),
                   outcome=answer.get("outcome"), channel="api", **{"from": interaction.from_phone})


def interaction_from(body, tenant) -> Interaction:
    """The API call as an Interaction, or a 400 saying what is wrong with it."""
    if not isinstance(body, dict):
        raise ApiError(400, 'send a JSON object like {"from": "+16175550123", "text": "haircut at 3"}')
    sender, text = body.get("from"), body.get("text")
    if not isinstance(sender, str) or not sender.strip():
        raise ApiError(400, "from is required: the customer's phone number")
    if not isinstance(text, str):
        raise ApiError(400, "text is required: what the customer said, as a string")
    if len(text) > MAX_BODY:
        raise ApiError(400, f"text is {len(text)} characters; at most {MAX_BODY} are accepted")
    phone = parse_phone(sender, tenant.country)
    if phone is None:
        raise ApiError(400, f"from is not a phone number: {sender[:32]!r}")
    return Interaction(channel="api", provider_key=provider_key(tenant.tenant, body), from_phone=phone,
                       to_phone=tenant.numbers[0], text=clean_text(text), received_at=utcnow(),
                       raw={"from": sender, "text": text, "id": body.get("id")})


def check_scope(tenant: Tenant, phone: str) -> None:
    """403 when the phone is one the tenant's token may not speak for (api_scope)."""
    person = resolve_actor(tenant, phone).person
    if person is not None and "people" not in tenant.api_scope:
        raise ApiError(403, f"{phone} is the phone of {person.id} ({person.role}) at {tenant.name}; this API "
                            "token speaks for customers only (to let it speak for the business's own people, "
                            "set api_scope: [customers, people] in the tenant file)")
    if person is None and "customers" not in tenant.api_scope:
        raise ApiError(403, f"this API token speaks for {tenant.name}'s own people only (api_scope in the "
                            f"tenant file), and {phone} is not one of them")


def provider_key(tenant: str, body: dict) -> str:
    given = body.get("id", request.headers.get("Idempotency-Key"))
    if given is None:
        return f"api:{tenant}:{uuid.uuid4()}"
    if not isinstance(given, (str, int)) or not str(given).strip() or len(str(given)) > MAX_ID:
        raise ApiError(400, f"id (or Idempotency-Key) must be a string of 1 to {MAX_ID} characters")
    return f"api:{tenant}:{str(given).strip()}"


def render_answer(ctx: ExecutionContext) -> str:
    return json.dumps({"replies": ctx.replies, "outcome": ctx.outcome})


def recorded_ids(key: str) -> tuple[int | None, int | None]:
    with current_runtime().db.session() as session:
        interaction_id = session.scalar(select(InteractionRow.id).where(InteractionRow.provider_key == key))
        execution_id = session.scalar(select(Execution.id).where(Execution.interaction_id == interaction_id)
                                      .order_by(Execution.id.desc()).limit(1))
        return interaction_id, execution_id


@booking_api.get("/bookings")
def list_bookings():
    filters = {"state": Booking.state, "service": Booking.service}
    query = tenant_rows_newest_first(Booking, Booking.start, filters)
    with current_runtime().db.session() as session:
        bookings = session.scalars(query).all()
        customers = {c.id: c for c in session.scalars(
            select(Customer).where(Customer.id.in_({b.customer_id for b in bookings})))}
        return jsonify(items=[booking_json(b, customers.get(b.customer_id)) for b in bookings])


def booking_json(booking: Booking, customer: Customer | None) -> dict:
    zone = g.tenant.zone
    service = next((s for s in g.tenant.services if s.id == booking.service), None)

    def at(moment):
        return moment.astimezone(zone).isoformat() if moment else None

    return {
        "id": booking.id,
        "customer": {"name": customer.name, "phone": customer.phone} if customer else None,
        "service": booking.service, "service_name": service.name if service else booking.service,
        "start": at(booking.start), "end": at(booking.end), "state": booking.state,
        "price": float(booking.price), "deposit": float(booking.deposit),
        "hold_expires_at": at(booking.hold_expires_at), "confirmed_at": at(booking.confirmed_at),
        "cancelled_at": at(booking.cancelled_at), "cancel_reason": booking.cancel_reason,
        "reminded_at": at(booking.reminded_at), "created_at": at(booking.created_at),
    }


@booking_api.get("/executions")
def list_executions():
    filters = {"outcome": Execution.outcome, "state": Execution.outcome}
    query = tenant_rows_newest_first(Execution, Execution.created_at, filters)
    with current_runtime().db.session() as session:
        executions = session.scalars(query).all()
        channels = dict(session.execute(select(InteractionRow.id, InteractionRow.channel).where(
            InteractionRow.id.in_({e.interaction_id for e in executions if e.interaction_id}))).all())
        return jsonify(items=[execution_json(e, channels.get(e.interaction_id)) for e in executions])


def execution_json(execution: Execution, channel: str | None) -> dict:
    steps = [{key: step.get(key) for key in ("agent", "outcome", "ms", "input")} for step in execution.steps]
    return {"id": execution.id, "interaction": execution.interaction_id, "channel": channel, "steps": steps,
            "outcome": execution.outcome, "created_at": execution.created_at.isoformat()}
