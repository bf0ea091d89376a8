"""Twilio's webhooks: SMS/MMS, voice, voice turns, delivery status.

Every route checks the signature first. A bad form gets a 400 with the reason; a number
that belongs to no tenant gets a polite answer and nothing is stored.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from agents.context import ExecutionContext
from confirmations.status import record_status
from conversation import twiml
from conversation.intake import take_in
from conversation.interaction import BadInput, sms_from_form, voice_from_form
from conversation.signature import twilio_signed
from runtime import current_runtime
from store.db import utcnow

log = logging.getLogger(__name__)
twilio_webhooks = Blueprint("twilio_webhooks", __name__, url_prefix="/twilio")

NOT_IN_SERVICE = "Sorry, this number isn't set up to take messages. Please contact the business directly."


@twilio_webhooks.errorhandler(BadInput)
def bad_input(error: BadInput):
    log.info("refused %s: %s", request.path, error)
    return Response(f"bad request: {error}\n", status=400, mimetype="text/plain")


@twilio_webhooks.post("/sms")
@twilio_signed
def sms():
    runtime = current_runtime()
    interaction = sms_from_form(request.form, utcnow())
    tenant = runtime.tenants.by_number(interaction.to_phone)
    if tenant is None:
        log.warning("sms to unknown number %s from %s", interaction.to_phone, interaction.from_phone)
        return _xml(twiml.messages([NOT_IN_SERVICE]))
    return _xml(take_in(runtime, tenant, interaction, lambda ctx: twiml.messages(ctx.replies)))


@twilio_webhooks.post("/voice")
@twilio_signed
def voice():
    return _voice_turn(turn=0)


@twilio_webhooks.post("/voice/gather")
@twilio_signed
def voice_gather():
    turn = request.args.get("turn", type=int)
    if turn is None or not 1 <= turn <= 50:
        raise BadInput("turn must be a number from 1 to 50")
    return _voice_turn(turn)


def _voice_turn(turn: int) -> Response:
    runtime = current_runtime()
    interaction = voice_from_form(request.form, utcnow(), turn)
    tenant = runtime.tenants.by_number(interaction.to_phone)
    if tenant is None:
        log.warning("call to unknown number %s from %s", interaction.to_phone, interaction.from_phone)
        return _xml(twiml.goodbye("Sorry, this number is not in service. Goodbye."))
    silent = int(request.args.get("silent", 0, type=int) or 0)

    def render(ctx: ExecutionContext) -> str:
        return _voice_answer(ctx, turn, silent)

    return _xml(take_in(runtime, tenant, interaction, render))


def _voice_answer(ctx: ExecutionContext, turn: int, silent: int) -> str:
    tenant = ctx.tenant
    base = current_runtime().settings.public_base_url + "/twilio/voice/gather"
    if turn == 0:
        return twiml.gather(f"Thanks for calling {tenant.name}. How can I help?", f"{base}?turn=1", tenant)
    if not ctx.text:
        silent += 1
        if silent >= twiml.SILENT_TURNS_BEFORE_GOODBYE:
            return twiml.goodbye(f"Sorry, I can't hear you. Please call or text {tenant.name} again. Goodbye.")
        return twiml.gather("Sorry, I didn't catch that. How can I help?",
                            f"{base}?turn={turn + 1}&silent={silent}", tenant)
    return twiml.gather(" ".join(ctx.replies) or "Anything else?", f"{base}?turn={turn + 1}", tenant)


@twilio_webhooks.post("/status")
@twilio_signed
def status():
    sid = (request.form.get("MessageSid") or "").strip()
    word = (request.form.get("MessageStatus") or "").strip().lower()
    if not sid or not word:
        raise BadInput("MessageSid and MessageStatus are required")
    with current_runtime().db.session() as session:
        changed = record_status(session, sid=sid, status=word, error_code=request.form.get("ErrorCode"))
    log.info("status %s %s (%s)", sid, word, "applied" if changed else "ignored")
    return Response(status=204)


def _xml(body: str) -> Response:
    return Response(body, mimetype="text/xml")

