"""Twilio's webhooks: SMS/MMS, voice, voice turns, the end of a relay session, the calls Onward
places for escalations, delivery status.

Every route checks the signature first. A bad form gets a 400 with the reason; a number
that belongs to no tenant gets a polite answer and nothing is stored.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from confirmations.status import record_status
from conversation import escalation_calls, twiml, voice as voice_calls
from conversation.intake import take_in
from conversation.interaction import BadInput, sms_from_form
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
    return _xml(voice_calls.answer_turn(current_runtime(), request.form, 0, utcnow()))


@twilio_webhooks.post("/voice/gather")
@twilio_signed
def voice_gather():
    runtime = current_runtime()
    if "turn" in request.args:
        step = request.args.get("turn", type=int)
    else:  # posted to the bare route, not to the action URL Onward answered with
        step = voice_calls.next_step(runtime, request.form)
    if step is None or not 1 <= step <= voice_calls.MAX_STEPS:
        raise BadInput(f"turn must be a number from 1 to {voice_calls.MAX_STEPS}")
    return _xml(voice_calls.answer_turn(runtime, request.form, step, utcnow()))


@twilio_webhooks.post("/voice/whisper")
@twilio_signed
def voice_whisper():
    call_sid = (request.args.get("call") or "").strip()
    if not call_sid or len(call_sid) > 64:
        raise BadInput("call must be the CallSid of the caller")
    return _xml(voice_calls.whisper(current_runtime(), call_sid, utcnow()))


@twilio_webhooks.post("/voice/relay-ended")
@twilio_signed
def voice_relay_ended():
    return _xml(voice_calls.after_relay(current_runtime(), request.form, utcnow()))


@twilio_webhooks.post("/voice/escalation")
@twilio_signed
def voice_escalation():
    message_id = request.args.get("message", type=int)
    if message_id is None:
        raise BadInput("message must be the id of the call's outbox row")
    return _xml(escalation_calls.answer_escalation_call(current_runtime(), request.form, message_id, utcnow()))


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

