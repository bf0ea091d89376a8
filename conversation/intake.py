"""Taking in one Interaction: persist it, answer it once, replay the answer on retries.

    take_in(runtime, tenant, interaction, render) -> the rendered answer

The interaction row, the inbound message, the agents' changes, the reply and any
outbox rows are committed in one transaction, so an accepted webhook is never half done.
What waits on the network happens before that transaction, holding no lock: the photo a
person sends as proof is fetched, and a model (when one is configured) reads the text.
A repeated provider key is told by the insert itself and answered from the record; one
already on record is found before any of that, so a replayed MMS fetches nothing again.
Anything that goes wrong on the way is answered with an apology and kept (failures.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from agents.context import ExecutionContext, Interaction
from agents.understanding import engine_for
from config.schema import Tenant
from conversation.failures import keep_failed
from conversation.records import record, record_answer, stored_reply
from integrations.media import Fetched, fetch_ahead
from routing.ahead import AskedAhead, ask_ahead
from routing.router import handle_interaction
from routing.tenants import resolve_actor
from runtime import Runtime

log = logging.getLogger(__name__)
Render = Callable[[ExecutionContext], str]


@dataclass(frozen=True)
class Ahead:
    """What was done before the transaction: a replay found, photos fetched, the text understood."""

    replay: str | None = None  # the answer on record for this provider key
    fetched: Fetched = field(default_factory=dict)
    understander: AskedAhead | None = None  # None: no model configured, the rules read it in the transaction


def take_in(runtime: Runtime, tenant: Tenant, interaction: Interaction, render: Render) -> str:
    """The rendered answer to an interaction, computed once per provider key."""
    try:
        return _take_in(runtime, tenant, interaction, render)
    except Exception as error:  # noqa: BLE001 - the webhook must answer, and the text must not be lost
        log.exception("interaction %s failed", interaction.provider_key)
        return keep_failed(runtime, tenant, interaction, render, error)


def _take_in(runtime: Runtime, tenant: Tenant, interaction: Interaction, render: Render) -> str:
    ahead = _work_ahead(runtime, tenant, interaction)
    if ahead.replay is not None:
        log.info("replay of %s answered from the record", interaction.provider_key)
        return ahead.replay
    with runtime.db.session() as session:
        interaction_id = record(session, tenant, interaction)
        if interaction_id is None:  # delivered again while the first was being answered
            log.info("replay of %s answered from the record", interaction.provider_key)
            return stored_reply(session, interaction.provider_key) or ""
        ctx = handle_interaction(session, tenant, interaction, interaction_id, interaction.received_at,
                                 ahead.fetched, ahead.understander)
        reply = render(ctx)
        record_answer(session, tenant, interaction, interaction_id, ctx.replies, reply)
        return reply


def _work_ahead(runtime: Runtime, tenant: Tenant, interaction: Interaction) -> Ahead:
    """The network work for an interaction, done with no transaction open; nothing (and no
    read) for a plain text when no model is configured, the common case."""
    photo = _photo_url(tenant, interaction)
    engine = engine_for(runtime.settings)
    if photo is None and engine.model is None:
        return Ahead()
    with runtime.db.session() as session:  # a short read: the answer on record, or what to ask
        replay = stored_reply(session, interaction.provider_key)
        ask = ask_ahead(session, tenant, interaction) if replay is None and engine.model else None
    if replay is not None:
        return Ahead(replay=replay)
    fetched = {photo: fetch_ahead(photo, runtime.settings)} if photo else {}
    understander = AskedAhead(ask, engine.understand(ask) if ask else None) if engine.model else None
    return Ahead(fetched=fetched, understander=understander)


def _photo_url(tenant: Tenant, interaction: Interaction) -> str | None:
    """The photo a person's MMS proves a run with (its first): fetched ahead, since a slow
    download (up to 8 s) must hold no lock and keep no other webhook waiting."""
    if not interaction.media or resolve_actor(tenant, interaction.from_phone).person is None:
        return None
    return interaction.media[0].url
