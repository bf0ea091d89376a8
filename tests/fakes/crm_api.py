"""A small contacts API on 127.0.0.1: what the generic HTTP CRM adapter talks to in tests.

    crm = FakeCrm(token="crm-secret").start()
    crm.script(Fail(500), Fail(500), Hang())   # answers for the next requests
    ... integrations.crm.http: {url: crm.url + "/contacts", headers: {Authorization: ...}}
    crm.requests     # what was sent: method, path, headers, JSON body, the answer
    crm.contacts     # phone -> contact, as stored
    crm.stop()

Unscripted requests with the right bearer token upsert a contact by its "phone" and
answer 200 {"data": {"id": ..., ...}}. A request carrying an Idempotency-Key seen
before gets the first answer again and changes nothing, as real idempotent APIs do.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.fakes.server import ScriptedServer


@dataclass(frozen=True)
class Fail:
    status: int
    body: str = '{"error": "scripted failure"}'


@dataclass(frozen=True)
class Hang:
    """Answer nothing until the server stops (past the client's timeout)."""


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: object
    answered: int | None = None


@dataclass
class FakeCrm(ScriptedServer):
    token: str
    requests: list[Recorded] = field(default_factory=list)
    contacts: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_key: dict[str, tuple[int, dict]] = {}
        self._serve(_handler_for(self))

    def answer(self, recorded: Recorded) -> tuple[int, str] | None:
        scripted, _ = self._received(recorded)
        if isinstance(scripted, Hang):
            self._hang()
            return None
        if isinstance(scripted, Fail):
            return scripted.status, scripted.body
        status, body = self._upsert(recorded)
        return status, json.dumps(body)

    def _upsert(self, recorded: Recorded) -> tuple[int, dict]:
        if recorded.headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"error": "unauthorized"}
        body = recorded.body
        if recorded.method not in ("POST", "PUT", "PATCH") or not isinstance(body, dict) or not body.get("phone"):
            return 400, {"error": "a JSON object with a phone is required"}
        key = recorded.headers.get("idempotency-key")
        with self._lock:
            if key and key in self._by_key:
                return self._by_key[key]
            contact = self.contacts.setdefault(body["phone"], {"id": f"ct_{len(self.contacts) + 1:04d}"})
            contact.update(body)
            answer = (200, {"data": dict(contact)})
            if key:
                self._by_key[key] = answer
        return answer


def _handler_for(crm: FakeCrm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._handle()

        do_PUT = do_PATCH = do_GET = do_POST

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            headers = {k.lower(): v for k, v in self.headers.items()}
            recorded = Recorded(self.command, self.path, headers, body)
            answer = crm.answer(recorded)
            if answer is None:
                return
            status, payload = answer
            recorded.answered = status
            data = payload.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler
