"""The answer to what no other chain handles: never silence, always what to do next."""
from __future__ import annotations

from sqlalchemy.orm import Session

from agents.compliance import help_text
from agents.context import ExecutionContext


class FallbackAgent:
    name = "fallback"

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext:
        greeting = f"Hi {ctx.actor.person.name.split()[0]}, " if ctx.actor.person else ""
        if ctx.interaction.channel == "voice":
            ctx.reply(f"{greeting}sorry, I can't help with that by phone. "
                      f"Please text this number instead.")
        else:
            ctx.reply(f"{greeting}I couldn't act on that. {help_text(ctx)}")
        ctx.outcome = "not_understood"
        return ctx
