"""Language understanding: what a text asks for, as a typed `Understanding`.

    understand(tenant, "haircut tomorrow at 3?", now)          -> book, haircut, tomorrow, 15:00
    understand(tenant, "cooler 38", now, person=sam)            -> done, task cooler, number 38
    understand_in(ctx)                                          the same for an interaction, traced

The engine is the rules alone unless OPENAI_API_KEY is set (engine.py says how the two
share the work); `engine_for(settings)` builds it, once per configuration.
"""
from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache

from agents.understanding.engine import Ask, Engine, ModelEngine, Understander
from agents.understanding.result import CUSTOMER_INTENTS, OWNER_INTENTS, PERIODS, STAFF_INTENTS, Understanding
from config.schema import Person, Tenant
from config.settings import Settings

__all__ = ["CUSTOMER_INTENTS", "OWNER_INTENTS", "PERIODS", "STAFF_INTENTS", "Ask", "Understanding",
           "describe", "engine_for", "understand", "understand_in"]
RULES = Understander()


def understand(tenant: Tenant, text: str, now: datetime, recent: tuple[str, ...] = (), *,
               person: Person | None = None, has_media: bool = False, channel: str = "sms",
               open_tasks: tuple[str, ...] = (), open_codes: tuple[int, ...] = (),
               engine: Engine | None = None) -> Understanding:
    ask = Ask(tenant, text, now, tuple(recent), person, has_media, channel, tuple(open_tasks), tuple(open_codes))
    return (engine or app_engine()).understand(ask)


def understand_in(ctx, recent: tuple[str, ...] = (), engine: Engine | None = None,
                  open_tasks: tuple[str, ...] = (), open_codes: tuple[int, ...] = ()) -> Understanding:
    """Understand an interaction's text and add a step to its trace: engine, intent, fallback, tokens."""
    from agents.context import Step

    started = time.perf_counter()
    heard = understand(ctx.tenant, ctx.text, ctx.now, recent, person=ctx.actor.person,
                       has_media=bool(ctx.interaction.media), channel=ctx.interaction.channel,
                       open_tasks=open_tasks, open_codes=open_codes, engine=engine)
    ms = round((time.perf_counter() - started) * 1000, 2)
    ctx.trace.append(Step(agent="understanding", input=ctx.text[:80], outcome=describe(heard), ms=ms))
    return heard


def describe(heard: Understanding) -> str:
    """ "openai: book (412 tokens)", "rules: book (openai fell back: timeout)" """
    notes = [f"{heard.tokens} tokens"] if heard.tokens else []
    if heard.fallback:
        notes.append(f"openai fell back: {heard.fallback}")
    return f"{heard.engine}: {heard.intent}" + (f" ({'; '.join(notes)})" if notes else "")


def engine_for(settings: Settings) -> Understander:
    return _engine(settings.openai_api_key, settings.openai_base_url, settings.openai_model)


@lru_cache(maxsize=8)
def _engine(api_key: str | None, base_url: str | None, model: str) -> Understander:
    if not api_key:
        return RULES
    from integrations.llm.openai import OpenAIModel

    return Understander(ModelEngine(OpenAIModel(api_key, model, base_url)))


def app_engine() -> Understander:
    """The running app's engine; the rules alone outside an app (scripts, benchmarks)."""
    from flask import has_app_context

    if not has_app_context():
        return RULES
    from runtime import current_runtime

    return engine_for(current_runtime().settings)
