"""The calls Onward places for an escalation step `by: call` (recurring/escalation.py queues them
in the outbox, confirmations/jobs.py places them): what the person hears, and their key as their
answer.

    POST /twilio/voice/escalation?message=ID            answered: what's wrong, then the keys
    POST /twilio/voice/escalation?message=ID + Digits   1 takes the run, 2 excuses it, 3 says it again

A key is the person's answer by the reply code the call carries (1: "{code}t", 2: "{code}x by
phone"), taken in as one Interaction (channel voice, from the person) through the router and the
same chain as that answer by text; what the chain answers is said, and the call ends. A machine
(voicemail) is hung up on without a word, and a call nobody answers or keys says goodbye: either
counts as no answer, and the chain moves on after the step's wait, as for an unanswered text.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Mapping

from conversation import twiml
from conversation.intake import take_in
from conversation.interaction import parse_phone, voice_from_form
from conversation.voice import speakable
from runtime import Runtime
from store.models import Message

log = logging.getLogger(__name__)
ANSWERS = {"1": "t", "2": "x by phone"}  # the key -> the letter (and note) after the reply code
KEYS = "Press 1 to take it, 2 to excuse it, or 3 to hear this again."
MACHINES = ("machine", "fax")  # AnsweredBy of a call no person picked up


def answer_escalation_call(runtime: Runtime, form: Mapping[str, str], message_id: int, now: datetime) -> str:
    with runtime.db.session() as session:
        row = session.get(Message, message_id)
        call = (row.tenant, row.to_phone, row.body, row.code) if row is not None and row.channel == "call" else None
    if call is None or call[3] is None or parse_phone(form.get("To") or "") != call[1]:
        log.warning("escalation call %s: no call of Onward's to %s", message_id, form.get("To"))
        return twiml.hangup()
    tenant_id, _, body, code = call
    tenant = runtime.tenants.get(tenant_id)
    if tenant is None or (form.get("AnsweredBy") or "").startswith(MACHINES):
        return twiml.hangup()
    key = (form.get("Digits") or "").strip()
    if key not in ANSWERS:  # answered, 3, or another key: what's wrong, (again) with the keys
        action = f"{runtime.settings.public_base_url}/twilio/voice/escalation?message={message_id}"
        return twiml.keys(f"{speakable(body)} {KEYS}", action)
    # Twilio's form of a call Onward placed runs from the business to the person: the answer
    # comes from the person, by their reply code.
    answer = {**form, "From": form["To"], "To": form["From"], "Digits": f"{code}{ANSWERS[key]}"}
    interaction = voice_from_form(answer, now, 1)
    return take_in(runtime, tenant, interaction,
                   lambda ctx: twiml.goodbye(f"{speakable(' '.join(ctx.replies))} Goodbye.".strip()))
