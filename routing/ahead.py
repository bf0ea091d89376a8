"""Understanding a text before the write transaction, when a model may be asked.

A model answers in up to seconds; on SQLite the webhook's transaction holds the one writer
turn, so a model asked inside it would keep every other text waiting. The router's intent
agents ask the understanding engine with inputs the conversation's rows decide (the route,
the customer's recent texts, the person's open tasks): those are read in a short read here,
the engine is asked with no transaction open, and inside the transaction AskedAhead answers
the same ask with that answer, anything else with the rules alone, never the network.

    ask_ahead(session, tenant, interaction)   -> the Ask the chain will make, or None
    AskedAhead(ask, engine.understand(ask))   the engine the agents get (ctx.understander)
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.context import Interaction
from agents.person_intent import open_for
from agents.understanding import RULES, Ask, Understanding
from config.schema import Tenant
from routing.router import route_for
from routing.sessions import load_session
from routing.tenants import resolve_actor


def ask_ahead(session: Session, tenant: Tenant, interaction: Interaction) -> Ask | None:
    """What the chain's intent agent will ask the engine (agents/person_intent.py for a person,
    agents/booking/intent.py for a customer); None for routes that understand nothing."""
    actor = resolve_actor(tenant, interaction.from_phone)
    convo = load_session(session, tenant.tenant, interaction.from_phone, interaction.received_at)
    route = route_for(session, tenant, interaction, actor, convo)
    common = {"tenant": tenant, "text": interaction.text, "now": interaction.received_at,
              "has_media": bool(interaction.media), "channel": interaction.channel}
    if route == "staff":
        return Ask(**common, person=actor.person, **open_for(session, tenant.tenant, actor.person.id))
    if route == "customer":
        return Ask(**common, recent=tuple(convo.slots.get("recent", ())))
    return None


class AskedAhead:
    """The engine inside the transaction: the answer given before it to the same ask; the rules
    alone for any other (the conversation moved on in between, or an agent asks something else)."""

    name = "ahead"

    def __init__(self, ask: Ask | None = None, heard: Understanding | None = None):
        self.ask, self.heard = ask, heard

    def understand(self, ask: Ask) -> Understanding:
        if self.heard is not None and ask == self.ask:
            return self.heard
        return RULES.understand(ask)
