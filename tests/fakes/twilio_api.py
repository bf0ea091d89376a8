"""A small Twilio-compatible Messages API on 127.0.0.1, for the real twilio client.

    api = FakeTwilioApi(account_sid, auth_token).start()
    api.script(Fail(500), Fail(400, code=21610), Hang())   # answers for the next requests
    ... TWILIO_API_BASE_URL=api.url ...
    api.requests   # what the client sent: path, form, auth; the answer and sid
    api.stop()

Unscripted requests to POST /2010-04-01/Accounts/{sid}/Messages.json are accepted
with 201 and a message resource like Twilio's (status "queued").
"""
from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")

from tests.fakes.server import ScriptedServer


@dataclass(frozen=True)
class Fail:
    """Answer with an HTTP error and Twilio's error JSON."""

    status: int
    code: int | None = None
    message: str = "scripted failure"


@dataclass(frozen=True)
class Hang:
    """Answer nothing until the server stops (past any sane client timeout)."""


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, list[str]]
    auth: tuple[str, str] | None
    answered: int | None = None  # the HTTP status answered; None while hanging
    sid: str | None = None  # the message sid, when accepted

    def value(self, name: str) -> str | None:
        values = self.form.get(name)
        return values[0] if values else None


@dataclass
class FakeTwilioApi(ScriptedServer):
    account_sid: str
    auth_token: str
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._serve(_handler_for(self))

    @property
    def sent(self) -> list[Recorded]:
        """The requests that were accepted as messages."""
        return [r for r in self.requests if r.answered == 201]

    def answer(self, recorded: Recorded) -> tuple[int, dict] | None:
        scripted, number = self._received(recorded)
        if isinstance(scripted, Hang):
            self._hang()
            return None
        if isinstance(scripted, Fail):
            return scripted.status, error_body(scripted.status, scripted.code, scripted.message)
        return self._accept(recorded, number)

    def _accept(self, recorded: Recorded, number: int) -> tuple[int, dict]:
        match = MESSAGES_PATH.match(recorded.path)
        if recorded.method != "POST" or not match:
            return 404, error_body(404, 20404, "The requested resource was not found")
        if recorded.auth != (self.account_sid, self.auth_token) or match["account"] != self.account_sid:
            return 401, error_body(401, 20003, "Authenticate")
        if not recorded.value("To") or not (recorded.value("Body") or recorded.value("MediaUrl")):
            return 400, error_body(400, 21604, "A 'To' phone number and a Body or MediaUrl are required.")
        resource = message_resource(self.account_sid, recorded, number)
        recorded.sid = resource["sid"]
        return 201, resource


def error_body(status: int, code: int | None, message: str) -> dict:
    if code is None:  # like a bare gateway error: the client falls back to the HTTP status
        return {"message": message, "status": status}
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def message_resource(account_sid: str, recorded: Recorded, number: int) -> dict:
    sid = f"SM{number:04d}{secrets.token_hex(14)}"
    now = formatdate(usegmt=True)
    media = recorded.form.get("MediaUrl", [])
    return {
        "account_sid": account_sid, "api_version": "2010-04-01", "body": recorded.value("Body") or "",
        "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
        "error_code": None, "error_message": None, "from": recorded.value("From"),
        "messaging_service_sid": None, "num_media": str(len(media)), "num_segments": "1",
        "price": None, "price_unit": "USD", "sid": sid, "status": "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"},
        "to": recorded.value("To"), "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }


def _handler_for(api: FakeTwilioApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            recorded = Recorded(self.command, self.path.split("?")[0], form, basic_auth(self.headers))
            answer = api.answer(recorded)
            if answer is None:
                return  # hung: the client has given up; close without a word
            status, body = answer
            recorded.answered = status
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:
            pass  # keep test output quiet

    return Handler


def basic_auth(headers) -> tuple[str, str] | None:
    value = headers.get("Authorization") or ""
    if not value.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(value[6:]).decode().partition(":")
    return user, password
