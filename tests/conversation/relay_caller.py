"""A caller on a relay-mode call, played as Twilio plays it: the call answered by a signed POST to
/twilio/voice, then ConversationRelay's WebSocket to /twilio/relay over loopback (signed as Twilio
signs the handshake), speaking the documented messages; the <Connect> action posted at the end.

The tenants are the tests' own, with Harbor Street Barbers in relay mode; the session's clock is
one the test moves (RELAY_CLOCK), so silence is waited for by moving it, never by sleeping.
"""
from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET

import simple_websocket

from tests.conftest import HARBOR_NUMBER, PUBLIC_BASE_URL, TESTS, Twilio

RELAY_URL = PUBLIC_BASE_URL.replace("https://", "wss://") + "/twilio/relay"
WAIT = 10  # seconds a message is waited for at most (a bound, not a sleep)


def relay_tenants(folder):
    """The tests' tenant files, Harbor Street Barbers in relay mode."""
    folder.mkdir()
    for path in (TESTS / "tenants").glob("*.yaml"):
        (folder / path.name).write_text(path.read_text())
    harbor = folder / "harbor-barbers.yaml"
    harbor.write_text(harbor.read_text() + "\nvoice:\n  mode: relay\n")
    return folder


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


class RelayCaller:
    def __init__(self, twilio: Twilio, live_server: str, from_: str, to: str = HARBOR_NUMBER):
        self.twilio, self.from_, self.to = twilio, from_, to
        self.ws_url = live_server.replace("http://", "ws://") + "/twilio/relay"
        self.sid = twilio.next_sid("CA")
        self.ws: simple_websocket.Client | None = None
        self.heard: list[dict] = []  # every message Onward sent, in order

    def answer(self) -> ET.Element:
        """Twilio posts the incoming call; Onward answers with <Connect><ConversationRelay>."""
        response = self.post("/twilio/voice", {})
        assert response.status_code == 200, response.text
        return ET.fromstring(response.text)

    def connect(self, signature: str | None = None, **setup) -> None:
        if signature is None:  # Twilio signs the wss URL it connects to, with no parameters
            signature = self.twilio.validator.compute_signature(RELAY_URL, {})
        self.ws = simple_websocket.Client.connect(self.ws_url, headers={"X-Twilio-Signature": signature})
        self.send({"type": "setup", "sessionId": "VX" + self.sid[2:], "accountSid": "AC" + "0" * 32,
                   "parentCallSid": "", "callSid": self.sid, "from": self.from_, "to": self.to,
                   "forwardedFrom": self.to, "callType": "PSTN", "callerName": "", "direction": "inbound",
                   "callStatus": "RINGING", "customParameters": {}, **setup})

    def say(self, words: str) -> str:
        """Speak: a prompt, last: true; the answer Onward streams back, or "" when it ends the call."""
        self.send({"type": "prompt", "voicePrompt": words, "lang": "en-US", "last": True})
        return self.answer_text()

    def press(self, digit: str) -> str:
        self.send({"type": "dtmf", "digit": digit})
        return self.answer_text()

    def interrupt(self, heard: str, ms: int = 900) -> None:
        self.send({"type": "interrupt", "utteranceUntilInterrupt": heard, "durationUntilInterruptMs": ms})

    def answer_text(self) -> str:
        """The text tokens up to last: true (or an end message), joined."""
        tokens = []
        while True:
            message = self.receive()
            if message["type"] == "end":
                return "".join(tokens)
            if message["type"] == "text":
                tokens.append(message["token"])
                if message["last"]:
                    return "".join(tokens)

    def receive(self, timeout: float = WAIT) -> dict:
        raw = self.ws.receive(timeout)
        assert raw is not None, f"nothing from Onward within {timeout} s"
        message = json.loads(raw)
        self.heard.append(message)
        return message

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    @property
    def ended(self) -> dict | None:
        """handoffData of the end message, if Onward ended the session."""
        ends = [m for m in self.heard if m["type"] == "end"]
        return json.loads(ends[-1]["handoffData"]) if ends else None

    def session_ends(self, handoff: dict | None, status: str = "ended") -> ET.Element:
        """Twilio posts the <Connect> action when the relay session is over."""
        params = {"SessionId": "VX" + self.sid[2:], "SessionStatus": status, "SessionDuration": "42"}
        if handoff is not None:
            params["HandoffData"] = json.dumps(handoff)
        response = self.post("/twilio/voice/relay-ended", params)
        assert response.status_code == 200, response.text
        return ET.fromstring(response.text)

    def post(self, path: str, params: dict):
        return self.twilio.post(path, {"CallSid": self.sid, "AccountSid": "AC" + "0" * 32,
                                       "From": self.from_, "To": self.to, **params})

    def close(self) -> None:
        if self.ws is not None and self.ws.connected:
            self.ws.close()
