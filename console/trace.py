"""An interaction's audit trail, for owners and managers: what came in, the route it took,
each agent step with its outcome and time (the intent step says what was understood),
and what was written: the texts it sent or queued, the bookings it made, the writes to
outside systems they started.

    GET /console/interactions/<id>
"""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from console import console
from console.access import deciders_only, signed, tenant_row_or_404
from routing.router import CHAINS
from runtime import current_runtime
from store.models import Booking, Execution, Interaction, IntegrationJob, Message

MAX_ROWS = 100  # of each kind written; one interaction writes a handful


ROUTE_OF_AGENT = {agent.name: route for route, chain in reversed(CHAINS.items()) for agent in chain}


def route_of(steps: list[dict]) -> str:
    """The route an execution took. The trace records agents, not the route: a chain's
    agents append their step after their own stages (the customer agent after intent,
    lookup...), so the last step of a chain's agent names it."""
    ran = (ROUTE_OF_AGENT.get(step.get("agent")) for step in reversed(steps))
    return next((route for route in ran if route), "default")


@console.get("/interactions/<int:interaction_id>")
def interaction_page(interaction_id: int):
    deciders_only()
    who = signed()
    with current_runtime().db.session() as session:
        interaction = tenant_row_or_404(session, Interaction, interaction_id)
        executions = list(session.scalars(select(Execution).where(
            Execution.tenant == who.tenant_id, Execution.interaction_id == interaction_id).order_by(Execution.id)))
        texts = list(session.scalars(select(Message).where(
            Message.tenant == who.tenant_id, Message.interaction_id == interaction_id,
            Message.direction == "out").order_by(Message.id).limit(MAX_ROWS)))
        bookings = list(session.scalars(select(Booking).where(
            Booking.tenant == who.tenant_id, Booking.interaction_id == interaction_id).order_by(Booking.id)
            .limit(MAX_ROWS)))
        writes = list(session.scalars(select(IntegrationJob).where(
            IntegrationJob.tenant == who.tenant_id, IntegrationJob.booking_id.in_([b.id for b in bookings]))
            .order_by(IntegrationJob.id).limit(MAX_ROWS)))
    return render_template("console/interaction.html", interaction=interaction, executions=executions,
                           texts=texts, bookings=bookings, writes=writes, route_of=route_of,
                           zone=who.tenant.zone, who=who)
