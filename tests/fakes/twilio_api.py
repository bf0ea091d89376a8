"""A small Twilio-compatible Messages API on 127.0.0.1, for the real twilio client.

    api = FakeTwilioApi(account_sid, auth_token).start()
    api.script(Fail(500), Fail(400, code=21610), Hang(), Stall())   # answers for the next requests
    ... TWILIO_API_BASE_URL=api.url ...
    api.requests   # what the client sent: path, form (or query), auth; the answer and sid
    api.messages   # the messages accepted, answered or not (what reached the phones)
    api.stop()

POST .../Calls.json places a call (To, From and Url required; `api.calls` lists them, `api.placed`
the requests) and GET on it lists them by To and From, newest first, as Twilio's Calls list does.

Unscripted requests to POST /2010-04-01/Accounts/{sid}/Messages.json are accepted
with 201 and a message resource like Twilio's (status "queued"), after `latency`
seconds. GET on the same path lists the accepted messages as Twilio's Messages list
does: newest first, filtered by To, From and DateSent (`DateSent`, `DateSent<` for on
or before, `DateSent>` for on or after; a GMT date YYYY-MM-DD or a time
YYYY-MM-DDTHH:MM:SSZ), PageSize at a time. The fake sends at once: a listed message
is `sent`, with date_sent its creation time.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.server import ScriptedServer

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")
CALLS_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Calls\.json$")


@dataclass(frozen=True)
class Fail:
    """Answer with an HTTP error and Twilio's error JSON."""

    status: int
    code: int | None = None
    message: str = "scripted failure"


@dataclass(frozen=True)
class Hang:
    """Answer nothing until the server stops (past any sane client timeout)."""


@dataclass(frozen=True)
class Stall:
    """Accept the message (it reaches the phone), then answer nothing until the server
    stops: the client never learns its sid, as when a worker dies mid-call."""


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
    messages: list[dict] = field(default_factory=list)  # accepted, oldest first
    calls: list[dict] = field(default_factory=list)  # placed, oldest first
    latency: float = 0.0  # seconds an accepted message waits for its answer

    def __post_init__(self) -> None:
        self._serve(_handler_for(self))

    @property
    def posts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    @property
    def sent(self) -> list[Recorded]:
        """The requests that were accepted as messages."""
        return [r for r in self.requests if r.answered == 201 and MESSAGES_PATH.match(r.path)]

    @property
    def placed(self) -> list[Recorded]:
        """The requests that were accepted as calls."""
        return [r for r in self.requests if r.answered == 201 and CALLS_PATH.match(r.path)]

    def answer(self, recorded: Recorded) -> tuple[int, dict] | None:
        scripted, number = self._received(recorded)
        if isinstance(scripted, Hang):
            self._hang()
            return None
        if isinstance(scripted, Fail):
            return scripted.status, error_body(scripted.status, scripted.code, scripted.message)
        refused = self._refusal(recorded)
        if refused:
            return refused
        if CALLS_PATH.match(recorded.path):
            return self._calls(recorded, number)
        if recorded.method == "GET":
            return 200, self._list(recorded)
        answer = self._accept(recorded, number)
        if isinstance(scripted, Stall) and answer[0] == 201:
            self._hang()
            return None
        time.sleep(self.latency)
        return answer

    def _refusal(self, recorded: Recorded) -> tuple[int, dict] | None:
        match = MESSAGES_PATH.match(recorded.path) or CALLS_PATH.match(recorded.path)
        if recorded.method not in ("GET", "POST") or not match:
            return 404, error_body(404, 20404, "The requested resource was not found")
        if recorded.auth != (self.account_sid, self.auth_token) or match["account"] != self.account_sid:
            return 401, error_body(401, 20003, "Authenticate")
        return None

    def _accept(self, recorded: Recorded, number: int) -> tuple[int, dict]:
        if not recorded.value("To") or not (recorded.value("Body") or recorded.value("MediaUrl")):
            return 400, error_body(400, 21604, "A 'To' phone number and a Body or MediaUrl are required.")
        resource = message_resource(self.account_sid, recorded, number)
        recorded.sid = resource["sid"]
        with self._lock:
            self.messages.append({**resource, "status": "sent", "date_sent": resource["date_created"]})
        return 201, resource

    def _calls(self, recorded: Recorded, number: int) -> tuple[int, dict]:
        """Place a call (POST), or list the calls placed (GET: To and From filter, one page)."""
        if recorded.method == "GET":
            with self._lock:
                found = [c for c in reversed(self.calls)
                         if all(not recorded.value(n) or c[k] == recorded.value(n) for n, k in (("To", "to"), ("From", "from")))]
            path = f"/2010-04-01/Accounts/{self.account_sid}/Calls.json"
            return 200, {"calls": found, "page": 0, "page_size": len(found) or 50, "start": 0, "end": len(found) - 1,
                         "uri": path, "first_page_uri": path, "previous_page_uri": None, "next_page_uri": None}
        if not all(recorded.value(name) for name in ("To", "From", "Url")):
            return 400, error_body(400, 21205, "To, From and Url are required to place a call.")
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        sid = f"CA{number:04d}{secrets.token_hex(14)}"
        resource = {"account_sid": self.account_sid, "sid": sid, "to": recorded.value("To"),
                    "from": recorded.value("From"), "status": "queued", "direction": "outbound-api",
                    "date_created": now, "date_updated": now, "start_time": None, "end_time": None,
                    "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json"}
        recorded.sid = sid
        with self._lock:
            self.calls.append(resource)
        return 201, resource

    def _list(self, recorded: Recorded) -> dict:
        with self._lock:
            found = [m for m in reversed(self.messages) if is_listed(m, recorded)]
        size = int(recorded.value("PageSize") or 50)
        page = int(recorded.value("Page") or 0)
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        query = {k: v[0] for k, v in recorded.form.items() if k not in ("Page", "PageToken")}
        more = len(found) > (page + 1) * size
        return {"messages": found[page * size:(page + 1) * size], "page": page, "page_size": size,
                "start": page * size, "end": min(len(found), (page + 1) * size) - 1,
                "uri": f"{path}?{urlencode({**query, 'Page': page})}",
                "first_page_uri": f"{path}?{urlencode({**query, 'Page': 0})}",
                "previous_page_uri": f"{path}?{urlencode({**query, 'Page': page - 1})}" if page else None,
                "next_page_uri": f"{path}?{urlencode({**query, 'Page': page + 1, 'PageToken': f'PA{page + 1}'})}"
                if more else None}


def is_listed(message: dict, recorded: Recorded) -> bool:
    """Does `message` pass the list's filters (To, From, DateSent, DateSent<, DateSent>)?"""
    for name, key in (("To", "to"), ("From", "from")):
        wanted = recorded.value(name)
        if wanted and message[key] != wanted:
            return False
    sent = parsedate_to_datetime(message["date_sent"])
    checks = {"DateSent": lambda a, b: a == b, "DateSent<": lambda a, b: a <= b, "DateSent>": lambda a, b: a >= b}
    for name, holds in checks.items():
        value = recorded.value(name)
        if value and not holds(*comparable(sent, value)):
            return False
    return True


def comparable(sent: datetime, value: str) -> tuple:
    """The send time and a filter's value at the value's precision: a day, or a second."""
    if len(value) == 10:
        return sent.date(), date.fromisoformat(value)
    return sent, datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def error_body(status: int, code: int | None, message: str) -> dict:
    if code is None:  # like a bare gateway error: the client falls back to the HTTP status
        return {"message": message, "status": status}
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def message_resource(account_sid: str, recorded: Recorded, number: int) -> dict:
    sid = f"SM{number:04d}{secrets.token_hex(14)}"
    now = format_datetime(datetime.now(timezone.utc), usegmt=True)
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
            url = urlsplit(self.path)
            data = self.rfile.read(length).decode() if self.command == "POST" else url.query
            form = parse_qs(data, keep_blank_values=True)
            recorded = Recorded(self.command, url.path, form, basic_auth(self.headers))
            answer = api.answer(recorded)
            if answer is None:
                return  # hung: the client has given up; close without a word
            status, body = answer
            recorded.answered = status
            payload = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client died waiting (a killed worker): the message is taken all the same

        def log_message(self, format: str, *args) -> None:
            pass  # keep test output quiet

    return Handler


def basic_auth(headers) -> tuple[str, str] | None:
    value = headers.get("Authorization") or ""
    if not value.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(value[6:]).decode().partition(":")
    return user, password
