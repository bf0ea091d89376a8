"""TwiML answers, built with the twilio library."""
from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from config.schema import Tenant

SILENT_TURNS_BEFORE_GOODBYE = 2


def messages(replies: list[str]) -> str:
    response = MessagingResponse()
    for body in replies:
        response.message(body)
    return str(response)


def gather(say: str, action: str, tenant: Tenant) -> str:
    """Say something and listen for the caller's next words or keys."""
    response = VoiceResponse()
    hints = ", ".join(s.name for s in tenant.services)
    listen = response.gather(input="speech dtmf", action=action, method="POST",
                             action_on_empty_result=True, speech_timeout="auto",
                             timeout=5, hints=hints or None)
    listen.say(say)
    return str(response)


def goodbye(say: str) -> str:
    response = VoiceResponse()
    response.say(say)
    response.hangup()
    return str(response)
