"""One relay call's session (conversation/relay.py serves the socket): its turns through the engine
in order, the answers streamed a sentence a token, its silence timer, the language it is heard in.

    RelayCall(ws, runtime, clock, silence).run()   until the caller hangs up or an answer ends the call
"""
from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import asdict
from typing import Callable

from simple_websocket import Server

from agents.context import Step
from agents.templates.words import Words
from agents.voice import call_key
from config.schema import Tenant
from conversation.intake import take_in
from conversation.interaction import BadInput, voice_from_form
from conversation.records import add_step, stored_reply
from conversation.twiml import RELAY_LANGUAGES
from conversation.voice import DIAL, LISTEN, Spoken, next_step, spoken_answer
from runtime import Runtime
from store.db import utcnow

log = logging.getLogger(__name__)

SPOKEN_CHARS_PER_SECOND = 15  # about how fast Twilio's voices speak
POLL_SECONDS = 0.1  # how often a quiet session looks at its silence timer
KEYS = frozenset("0123456789*#")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """An answer as the tokens it is sent in: a sentence each, the spaces between kept."""
    parts = SENTENCE_END.split(text.strip())
    return [part + " " for part in parts[:-1]] + parts[-1:]


class RelayCall:
    """One call's session: its turns in order, its silence timer, the language it is heard in."""

    def __init__(self, ws: Server, runtime: Runtime, clock: Callable[[], float], silence: float):
        self.ws, self.runtime, self.clock, self.silence = ws, runtime, clock, silence
        self.pending: deque[dict] = deque()  # messages read while an answer was going out
        self.form: dict[str, str] = {}  # the call as a Twilio voice form: CallSid, From, To
        self.tenant: Tenant | None = None
        self.step = 0  # the last turn taken
        self.lang = "en"
        self.quiet_after: float | None = None  # when the silence timer runs out; None while a turn runs
        self.ended = False

    def run(self) -> None:
        if not self.set_up(self.receive_json()):
            return
        handlers = {"prompt": self.on_prompt, "dtmf": self.on_dtmf, "interrupt": self.on_interrupt,
                    "error": self.on_error}
        while not self.ended:
            message = self.pending.popleft() if self.pending else self.receive_json(POLL_SECONDS)
            if message is None:
                self.check_silence()
                continue
            handler = handlers.get(message.get("type"))
            if handler is None:
                log.info("relay %s: ignored a %r message", self.form["CallSid"], message.get("type"))
                continue
            handler(message)

    def set_up(self, message: dict | None) -> bool:
        """The call from the setup message; False (and the socket closed) for anything else."""
        message = message or {}
        self.form = {"CallSid": str(message.get("callSid") or ""), "From": str(message.get("from") or ""),
                     "To": str(message.get("to") or ""), "AccountSid": str(message.get("accountSid") or "")}
        try:
            if message.get("type") != "setup":
                raise BadInput("the first message must be setup")
            interaction = voice_from_form(self.form, utcnow(), 0)
        except BadInput as refused:
            log.info("relay refused: %s", refused)
            self.ws.close(reason=1008, message=str(refused)[:120])
            return False
        self.tenant = self.runtime.tenants.by_number(interaction.to_phone)
        if self.tenant is None:
            log.warning("relay call to unknown number %s", interaction.to_phone)
            self.ws.close(reason=1008, message="not in service")
            return False
        self.form.update(From=interaction.from_phone, To=interaction.to_phone)
        self.step = next_step(self.runtime, self.form) - 1
        self.quiet_after = self.clock() + self.greeting_seconds() + self.silence
        return True

    def greeting_seconds(self) -> float:
        """How long the welcome greeting of this call takes to say (its step-0 TwiML on record)."""
        with self.runtime.db.session() as session:
            answered = stored_reply(session, call_key(self.form["CallSid"], 0))
        try:
            relay_verb = ET.fromstring(answered).find(".//ConversationRelay") if answered else None
        except ET.ParseError:
            relay_verb = None
        greeting = relay_verb.get("welcomeGreeting", "") if relay_verb is not None else ""
        return len(greeting) / SPOKEN_CHARS_PER_SECOND

    # What Twilio sends

    def on_prompt(self, message: dict) -> None:
        if message.get("last") is False:  # a partial prompt: the whole one follows
            return
        self.take_turn({"SpeechResult": str(message.get("voicePrompt") or "")})

    def on_dtmf(self, message: dict) -> None:
        digit = str(message.get("digit") or "")
        if digit not in KEYS or len(digit) != 1:
            log.info("relay %s: ignored dtmf %r", self.form["CallSid"], digit[:8])
            return
        self.take_turn({"Digits": digit})

    def on_interrupt(self, message: dict) -> None:
        """The caller spoke over the answer: what they heard goes into that turn's trace."""
        self.quiet_after = self.clock() + self.silence  # they are speaking: a prompt is on its way
        heard = str(message.get("utteranceUntilInterrupt") or "")
        try:
            ms = float(message.get("durationUntilInterruptMs") or 0)
        except (TypeError, ValueError):
            ms = 0.0
        if self.step == 0:
            return  # the greeting: no turn to note it on
        with self.runtime.db.session() as session:
            add_step(session, call_key(self.form["CallSid"], self.step),
                     Step(agent="relay", input=heard[:320], outcome="interrupted", ms=ms))

    def on_error(self, message: dict) -> None:
        log.warning("relay %s: Twilio reports %s", self.form["CallSid"], str(message.get("description"))[:200])

    def check_silence(self) -> None:
        if self.quiet_after is not None and self.clock() >= self.quiet_after:
            self.take_turn({})  # nothing heard: a silent turn

    # What Onward answers

    def take_turn(self, heard: dict[str, str]) -> None:
        """One turn through the engine, answered on the socket."""
        self.quiet_after = None
        try:
            interaction = voice_from_form({**self.form, **heard}, utcnow(), self.step + 1)
        except BadInput as refused:  # e.g. a prompt over 1,600 characters: not taken, asked again
            log.info("relay %s: %s", self.form["CallSid"], refused)
            self.speak(Spoken(say=self.say_again(), then=LISTEN, lang=self.lang))
            return
        self.step += 1
        answer = take_in(self.runtime, self.tenant, interaction, lambda ctx: json.dumps(asdict(spoken_answer(ctx))))
        spoken = Spoken(**json.loads(answer))
        if spoken.then == LISTEN:
            self.speak(spoken)
        else:
            self.end({"reasonCode": "operator" if spoken.then == DIAL else "goodbye", "step": self.step})

    def speak(self, spoken: Spoken) -> None:
        """The answer as text tokens, a sentence each; dropped from the first interruption on."""
        if spoken.lang != self.lang:
            code = RELAY_LANGUAGES.get(spoken.lang, RELAY_LANGUAGES["en"])
            self.send({"type": "language", "ttsLanguage": code, "transcriptionLanguage": code})
            self.lang = spoken.lang
        tokens = sentences(spoken.say)
        for i, token in enumerate(tokens):
            if self.interrupted():
                return
            self.send({"type": "text", "token": token, "last": i == len(tokens) - 1,
                       "lang": RELAY_LANGUAGES.get(spoken.lang, RELAY_LANGUAGES["en"])})
        self.quiet_after = self.clock() + len(spoken.say) / SPOKEN_CHARS_PER_SECOND + self.silence

    def interrupted(self) -> bool:
        """Whether an interruption has come in while the answer went out; other messages wait."""
        while (message := self.receive_json(0)) is not None:
            self.pending.append(message)
        return any(message.get("type") == "interrupt" for message in self.pending)

    def end(self, handoff: dict) -> None:
        self.send({"type": "end", "handoffData": json.dumps(handoff)})
        self.ended = True

    def say_again(self) -> str:
        return Words(self.tenant, self.lang, voice=True)("call_say_again")

    # The socket

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message, ensure_ascii=False))

    def receive_json(self, timeout: float | None = None) -> dict | None:
        """The next message as JSON; None when none came in time; a malformed one is skipped."""
        raw = self.ws.receive(timeout)
        if raw is None:
            return None
        try:
            message = json.loads(raw)
        except (TypeError, ValueError):
            log.info("relay: ignored a message that is not JSON")
            return {}
        return message if isinstance(message, dict) else {}
