"""Calls in relay mode: one ConversationRelay WebSocket per call, `WS /twilio/relay`.

Twilio hears the caller and speaks for Onward; the two talk in JSON messages:

    from Twilio   setup (the call), prompt (what was said), dtmf (a key), interrupt (the caller
                  spoke over the answer: what they heard of it), error
    from Onward   text (the answer, a sentence a token, `last: true` on the final one),
                  language (the caller speaks Spanish: hear and speak it), end (with handoffData)

Each prompt or key is one turn of the call, taken in as a <Gather> turn is (conversation/voice.py):
an Interaction on channel voice keyed by CallSid and step, through take_in, the router and the
same agent chain as a text, one execution trace per turn. The call's own state (its CallSid,
silent turns, texts sent, the operator's summary) carries from turn to turn in the conversation
session, as it does between webhooks. A turn that ends the call or asks for the operator sends
`end`; Twilio then posts the <Connect> action, /twilio/voice/relay-ended, which says goodbye or
dials the operator with its whisper, from the answer on record for that turn.

Silence: ConversationRelay sends nothing while the caller says nothing, so each session keeps a
timer. Once Onward's answer has been said (its length read at SPOKEN_CHARS_PER_SECOND), `silence`
seconds (8 unless the app's RELAY_SILENCE_SECONDS says otherwise) without a prompt, a key or an
interruption is one silent turn, as a Gather's empty result is: the first asks again, the second
ends the call and texts the caller a way to book. The clock is the app's RELAY_CLOCK
(time.monotonic unless set), so tests move time instead of waiting for it.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, Flask, Response, current_app, request
from flask_sock import Sock
from simple_websocket import Server
from twilio.request_validator import RequestValidator

from conversation.relay_call import RelayCall
from conversation.voice import relay_url
from runtime import current_runtime

log = logging.getLogger(__name__)
relay = Blueprint("relay", __name__, url_prefix="/twilio")
sock = Sock()  # its routes go on the blueprint: one Sock serves every app

SILENCE_SECONDS = 8.0
MAX_MESSAGE_BYTES = 64 * 1024  # Twilio's messages are a few hundred bytes


@relay.before_request
def twilio_signed_handshake():
    """Refuse (403) a handshake whose X-Twilio-Signature isn't Twilio's for the relay's wss URL
    (PUBLIC_BASE_URL with https -> wss, no parameters), before the WebSocket is opened."""
    runtime = current_runtime()
    query = request.query_string.decode()
    url = relay_url(runtime.settings.public_base_url) + (f"?{query}" if query else "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(runtime.settings.signing_token).validate(url, {}, signature):
        log.warning("refused %s: bad or missing X-Twilio-Signature", request.path)
        return Response("invalid or missing X-Twilio-Signature\n", status=403, mimetype="text/plain")
    return None


@sock.route("/relay", bp=relay)
def relay_call(ws: Server) -> None:
    config = current_app.config
    RelayCall(ws, current_runtime(), config.get("RELAY_CLOCK", time.monotonic),
              config.get("RELAY_SILENCE_SECONDS", SILENCE_SECONDS)).run()


def init_relay(app: Flask) -> None:
    """Serve /twilio/relay on this app (gunicorn's threaded workers and the development server)."""
    app.config.setdefault("SOCK_SERVER_OPTIONS", {"max_message_size": MAX_MESSAGE_BYTES})
    app.register_blueprint(relay)
