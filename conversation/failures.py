"""An interaction that could not be answered (a bug, a database error): the sender gets a short
apology, and the text is kept rather than lost.

    keep_failed(runtime, tenant, interaction, render, error) -> the apology, rendered for its channel

In a transaction of its own (the one that failed was rolled back), it records the interaction
with the apology as its answer (a retry of the same webhook gets it again and runs nothing),
the text in with status `failed` (GET /api/v1/messages?status=failed), an execution with
outcome `failed` (GET /api/v1/executions?outcome=failed) and a notice to the operator through
the outbox, so a person follows it up.
"""
from __future__ import annotations

import logging
from typing import Callable

from agents.booking.notices import tell_operator
from agents.context import ExecutionContext, Interaction, Step
from config.schema import Tenant
from conversation.records import record, record_answer, stored_reply
from routing.router import record_execution
from routing.tenants import resolve_actor
from runtime import Runtime
from store.models import MessageStatus

log = logging.getLogger(__name__)
APOLOGY = "Sorry, something went wrong on our side and we couldn't answer that. We've told the team."
FAILED = "failed"
QUOTED = 80  # characters of the text the operator's notice quotes


def keep_failed(runtime: Runtime, tenant: Tenant, interaction: Interaction,
                render: Callable[[ExecutionContext], str], error: Exception) -> str:
    step = Step(agent="intake", input=interaction.text[:80], outcome=type(error).__name__, ms=0.0)
    ctx = ExecutionContext(tenant=tenant, actor=resolve_actor(tenant, interaction.from_phone),
                           interaction=interaction, interaction_id=0, now=interaction.received_at,
                           replies=[APOLOGY], outcome=FAILED, trace=[step])
    reply = render(ctx)
    try:
        with runtime.db.session() as session:
            interaction_id = record(session, tenant, interaction)
            if interaction_id is None:  # the same event was taken in meanwhile: its answer stands
                return stored_reply(session, interaction.provider_key) or reply
            ctx.interaction_id = interaction_id
            record_execution(session, ctx)
            record_answer(session, tenant, interaction, interaction_id, ctx.replies, reply, MessageStatus.FAILED)
            tell_operator(session, tenant, notice(interaction), interaction_id)
    except Exception:  # noqa: BLE001 - the database itself may be what failed: answer all the same
        log.exception("interaction %s could not be kept as failed", interaction.provider_key)
    return reply


def notice(interaction: Interaction) -> str:
    said = interaction.text if len(interaction.text) <= QUOTED else interaction.text[:QUOTED - 3] + "..."
    what = f'"{said}"' if said else f"a {interaction.channel} with no text"
    return (f"Onward: a {interaction.channel} from {interaction.from_phone} could not be answered "
            f"(an error on our side; they got an apology): {what}. Please follow it up.")
