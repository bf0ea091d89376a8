"""The staff chain's intent agent: what a text from one of the tenant's people asks, read once.

The understanding engine's staff path reads it (the rules, agents/understanding/staff.py, and
the model for what they are unsure of, its proposal checked) into a typed `Understanding`,
kept on ctx.intent and traced as one "understanding" step. The answers, owner and staff
agents after it act on that result and never read the text again. A person may name the
tasks they own or back up, and those of the runs open for them now (taken, or given to them).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.context import ExecutionContext
from agents.understanding import Understanding, understand_in
from agents.understanding.engine import Engine
from recurring.codes import open_numbers
from recurring.completion import open_tasks_of


class PersonIntentAgent:
    name = "intent"

    def __init__(self, engine: Engine | None = None):
        self.engine = engine  # None: the app's (the rules, and the model when OPENAI_API_KEY is set)

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        heard_in(ctx, session, self.engine)
        return ctx


def heard_in(ctx: ExecutionContext, session: Session, engine: Engine | None = None) -> Understanding:
    """The text's typed reading: asked of the engine the first time, then kept on ctx.intent."""
    if ctx.intent is None:
        ctx.intent = understand_in(ctx, engine=engine or ctx.understander,
                                   **open_for(session, ctx.tenant.tenant, ctx.actor.person.id))
    return ctx.intent


def open_for(session: Session, tenant: str, person_id: str) -> dict[str, tuple]:
    """What the person has open, as the engine is asked with it: here and ahead of the transaction
    (routing/ahead.py) alike, so the answer given ahead is the one this ask finds."""
    return {"open_tasks": open_tasks_of(session, tenant, person_id),
            "open_codes": open_numbers(session, tenant, person_id)}
