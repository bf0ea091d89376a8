"""The customer chain: intent -> lookup -> decision -> action -> communication.

One agent in the router's table (route "customer"). Its five stages hand each other a
typed Work; each stage is timed and traced like any agent, with its own outcome, so an
execution shows what was understood (and by which engine), found, decided, done and said.
"""
from __future__ import annotations

import time
from typing import Protocol

from sqlalchemy.orm import Session

from agents.booking.action import ActionAgent
from agents.booking.communication import CommunicationAgent
from agents.booking.decision import DecisionAgent
from agents.booking.intent import IntentAgent
from agents.booking.lookup import LookupAgent
from agents.booking.slots import state_of
from agents.booking.work import Work
from agents.context import ExecutionContext, Step
from agents.understanding import describe


class Stage(Protocol):
    name: str

    def run(self, ctx: ExecutionContext, session: Session, work: Work) -> ExecutionContext: ...


STAGES: tuple[Stage, ...] = (IntentAgent(), LookupAgent(), DecisionAgent(), ActionAgent(),
                             CommunicationAgent())


class CustomerAgent:
    name = "customer"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        work = Work()
        for stage in STAGES:
            started = time.perf_counter()
            ctx = stage.run(ctx, session, work)
            ms = round((time.perf_counter() - started) * 1000, 2)
            step = Step(agent=stage.name, input=_input(stage, ctx, work), outcome=ctx.outcome, ms=ms)
            ctx.trace.append(step)
        if work.customer is not None:  # kept for what is sent later: reminders, confirmations
            work.customer.language = work.lang
        ctx.state = state_of(ctx.slots)
        return ctx


def _input(stage: Stage, ctx: ExecutionContext, work: Work) -> str:
    if stage.name == "intent" and work.heard is not None:
        return f"{describe(work.heard)}, confidence {work.heard.confidence:.2f}"[:80]
    return ctx.text[:80]
