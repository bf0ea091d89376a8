"""The state machine: which agent chain answers an interaction, run with a trace."""
from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from agents.answers import AnswersAgent
from agents.base import Agent
from agents.booking.chain import CustomerAgent
from agents.compliance import (ConsentByPhoneAgent, HelpAgent, OptedOutCancelAgent, OptInAgent, OptOutAgent,
                               SilenceAgent, is_opted_out)
from agents.context import ExecutionContext, Interaction, Step
from agents.fallback import FallbackAgent
from agents.keywords import keyword_of
from agents.owner import OwnerAgent
from agents.person_intent import PersonIntentAgent
from agents.staff import StaffAgent
from agents.understanding.engine import Engine
from config.schema import Tenant
from integrations.media import Fetched
from routing.calls import CALL_CHAINS, call_route, keyed
from routing.limits import is_stranger, stranger_may_get_reply
from routing.sessions import Conversation, load_session, save_session
from routing.tenants import Actor, resolve_actor
from store.models import Execution

RECORD_EXECUTION = insert(Execution.__table__)  # prepared once: on every interaction's path

# Route -> chain. Keywords come first; anything unknown gets the safe default.
CHAINS: dict[str, tuple[Agent, ...]] = {
    "stop": (OptOutAgent(),),
    "start": (OptInAgent(),),
    "help": (HelpAgent(),),
    "opted_out": (SilenceAgent(),),
    "consent_by_phone": (ConsentByPhoneAgent(),),  # STOP or START through the API: nothing changes
    "opted_out_cancel": (OptedOutCancelAgent(),),  # X from an opted-out customer: cancelled, not answered
    # a configured person's texts, understood once (the rules, the model for what they are unsure
    # of): answers to escalations by code; owners' today, findings and answers; then done, tasks,
    # steps, skip
    "staff": (PersonIntentAgent(), AnswersAgent(), OwnerAgent(), StaffAgent()),
    **CALL_CHAINS,  # phone calls: answered, silent turns, operator, goodbye (routing/calls.py)
    # customers: book, move, cancel, ask (agents/booking: intent, lookup, decision, action, communication)
    "customer": (CustomerAgent(),),
}
DEFAULT_CHAIN: tuple[Agent, ...] = (FallbackAgent(),)
# Answers carriers require whatever the sender's history: never rate-limited.
CARRIER_REQUIRED = frozenset({"opted_out", "opted_in", "help"})


def route_of(keyword: str | None, opted_out: bool, person: bool = False, by_phone: bool = True) -> str:
    """The route of a text (or an API call: `by_phone` False, which may not opt in or out)."""
    if keyword == "yes":  # opts back in only an opted-out number; otherwise it's an answer
        keyword = "start" if opted_out else None
    if keyword in ("stop", "start"):
        return keyword if by_phone else "consent_by_phone"
    if keyword == "help":
        return keyword
    if opted_out:
        return "opted_out_cancel" if keyword == "x" and not person else "opted_out"
    return "staff" if person else "customer"


def handle_interaction(session: Session, tenant: Tenant, interaction: Interaction,
                       interaction_id: int, now: datetime, fetched: Fetched | None = None,
                       understander: Engine | None = None) -> ExecutionContext:
    """Run the chain for one interaction; the caller commits. `fetched`: its photos, fetched ahead;
    `understander`: the engine its agents ask (routing/ahead.py), None for the app's."""
    actor = resolve_actor(tenant, interaction.from_phone)
    convo = load_session(session, tenant.tenant, interaction.from_phone, now)
    if interaction.channel == "voice":  # the keypad's yes and no
        interaction = keyed(interaction, convo.state)
    route = route_for(session, tenant, interaction, actor, convo)
    ctx = ExecutionContext(tenant=tenant, actor=actor, interaction=interaction,
                           interaction_id=interaction_id, now=now, state=convo.state,
                           slots=dict(convo.slots), fetched=fetched or {}, understander=understander)
    ctx = run_chain(CHAINS.get(route, DEFAULT_CHAIN), ctx, session)
    _limit_stranger_replies(ctx, session)
    after = Conversation(ctx.state, ctx.slots)
    if not after == convo == Conversation():  # a conversation that was and stays idle has nothing to keep
        save_session(session, tenant.tenant, interaction.from_phone, after, now)
    record_execution(session, ctx)
    return ctx


def route_for(session: Session, tenant: Tenant, interaction: Interaction, actor: Actor,
              convo: Conversation) -> str:
    """The route (a key of CHAINS) of an interaction, from where its conversation stands."""
    person = actor.person is not None
    if interaction.channel == "voice":
        return call_route(interaction, convo.state, person)
    opted_out = is_opted_out(session, tenant.tenant, interaction.from_phone)
    return route_of(keyword_of(interaction.text), opted_out, person, by_phone=interaction.channel != "api")


def record_execution(session: Session, ctx: ExecutionContext) -> None:
    session.connection().execute(RECORD_EXECUTION, {
        "tenant": ctx.tenant.tenant, "interaction_id": ctx.interaction_id, "outcome": ctx.outcome,
        "steps": [vars(step) for step in ctx.trace], "created_at": ctx.now})


def run_chain(chain: tuple[Agent, ...], ctx: ExecutionContext, session: Session) -> ExecutionContext:
    for agent in chain:
        if ctx.outcome != "pending":  # answered: the rest of the chain is for other texts
            break
        started = time.perf_counter()
        ctx = agent.run(ctx, session)
        ms = round((time.perf_counter() - started) * 1000, 2)
        ctx.trace.append(Step(agent=agent.name, input=ctx.text[:80], outcome=ctx.outcome, ms=ms))
    return ctx


def _limit_stranger_replies(ctx: ExecutionContext, session: Session) -> None:
    if ctx.actor.person is not None or not ctx.replies or ctx.outcome in CARRIER_REQUIRED:
        return
    if ctx.interaction.channel == "voice":  # a caller is answered on the call, not by text
        return
    phone = ctx.interaction.from_phone
    if is_stranger(session, ctx.tenant.tenant, phone) and not stranger_may_get_reply(
            session, ctx.tenant.tenant, phone, ctx.now):
        ctx.replies.clear()
        ctx.trace.append(Step(agent="limits", input=phone, outcome="reply_suppressed", ms=0.0))
