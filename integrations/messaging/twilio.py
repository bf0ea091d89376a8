"""Sending texts through Twilio's REST API, with Twilio's errors translated at this edge.

    TwilioRestException / TwilioServiceException
        5xx, 429, or error 30003          -> TemporaryError
        any other 4xx (21610, 21211, ...) -> PermanentError(code)
    no connection made (ConnectTimeout)   -> TemporaryError
    the request went, no answer came back
    (read timeout, connection cut)        -> OutcomeUnknown: Twilio may have the message
    other TwilioException                 -> TemporaryError

find_sent() reads Twilio's Messages list (To, From, DateSent on or after) to learn what
such an attempt did; find_calls() reads the Calls list the same way for a call().
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Sequence
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from config.settings import Settings
from integrations.errors import IntegrationError, OutcomeUnknown, PermanentError, TemporaryError
from integrations.messaging import Messaging, SendResult

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds, for connecting and for each read
RETRYABLE_CODES = frozenset({30003})  # "unreachable destination handset": worth one more try (jobs.py)
CLOCK_SKEW = timedelta(minutes=5)  # Twilio's clock against ours, when looking for a text sent since
LOOKUP_LIMIT = 100  # texts to one phone from one number since the attempt: more would be a flood
CALL_RING_SECONDS = 25  # a call nobody picks up by then is not answered (about five rings)


class RebasedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending every request to `base_url` instead of Twilio's hosts.

    Used with TWILIO_API_BASE_URL, for a Twilio-compatible server in local tests.
    """

    def __init__(self, base_url: str | None, timeout: float):
        super().__init__(timeout=timeout)
        self.base_url = urlsplit(base_url) if base_url else None

    def request(self, method: str, url: str, *args, **kwargs):
        return super().request(method, self.rebase(url), *args, **kwargs)

    def rebase(self, url: str) -> str:
        if self.base_url is None:
            return url
        parts = urlsplit(url)
        path = self.base_url.path.rstrip("/") + parts.path
        return urlunsplit((self.base_url.scheme, self.base_url.netloc, path, parts.query, ""))


class TwilioMessaging(Messaging):
    name = "twilio"

    def __init__(self, settings: Settings, *, timeout: float = DEFAULT_TIMEOUT):
        http_client = RebasedHttpClient(settings.twilio_api_base_url, timeout)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=http_client)
        # The client imports its API modules on first use (about 0.1 s): done here, when the
        # sender is built, rather than inside the first text's send.
        self.client.messages  # noqa: B018

    def send(self, *, to: str, from_: str, body: str, media: Sequence[str] = (),
             status_callback: str | None = None) -> SendResult:
        params = {"to": to, "from_": from_, "body": body}
        if media:
            params["media_url"] = list(media)
        if status_callback:
            params["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**params)
        except (TwilioException, requests.RequestException) as exc:
            raise translate_error(exc) from exc
        log.info("twilio accepted %s to %s as %s", message.sid, to, message.status)
        return SendResult(sid=message.sid, status=str(message.status))

    def find_sent(self, *, to: str, from_: str, body: str, since: datetime) -> list[SendResult]:
        start = since - CLOCK_SKEW
        try:
            listed = self.client.messages.list(to=to, from_=from_, date_sent_after=start, limit=LOOKUP_LIMIT)
        except (TwilioException, requests.RequestException) as exc:
            raise translate_error(exc) from exc
        # Twilio lists newest first; DateSent may be read by the day: check time and body here.
        found = [m for m in reversed(listed)
                 if m.body == body and (m.date_sent or m.date_created or start) >= start]
        return [SendResult(sid=m.sid, status=str(m.status)) for m in found]


    def call(self, *, to: str, from_: str, url: str) -> SendResult:
        try:
            placed = self.client.calls.create(to=to, from_=from_, url=url, method="POST",
                                              machine_detection="Enable", timeout=CALL_RING_SECONDS)
        except (TwilioException, requests.RequestException) as exc:
            raise translate_error(exc) from exc
        log.info("twilio placed call %s to %s (%s)", placed.sid, to, placed.status)
        return SendResult(sid=placed.sid, status=str(placed.status))

    def find_calls(self, *, to: str, from_: str, since: datetime) -> list[SendResult]:
        start = since - CLOCK_SKEW
        try:
            listed = self.client.calls.list(to=to, from_=from_, start_time_after=start, limit=LOOKUP_LIMIT)
        except (TwilioException, requests.RequestException) as exc:
            raise translate_error(exc) from exc
        return [SendResult(sid=c.sid, status=str(c.status)) for c in reversed(listed)]


def translate_error(exc: Exception) -> IntegrationError:
    if isinstance(exc, (TwilioRestException, TwilioServiceException)):
        return translate_api_error(exc.status, exc.code, describe(exc))
    if isinstance(exc, requests.ConnectTimeout) or not isinstance(exc, requests.RequestException):
        return TemporaryError(f"twilio unreachable: {type(exc).__name__}: {exc}")
    return OutcomeUnknown(f"twilio did not answer: {type(exc).__name__}: {exc}")


def translate_api_error(status: int, code: int | None, message: str) -> IntegrationError:
    code_text = str(code) if code is not None else None
    if status >= 500 or status == 429 or code in RETRYABLE_CODES:
        return TemporaryError(message, code=code_text)
    return PermanentError(message, code=code_text)


def describe(exc: TwilioRestException | TwilioServiceException) -> str:
    # str() of these exceptions adds terminal colours when stderr is a tty; build our own.
    detail = getattr(exc, "msg", None) or getattr(exc, "detail", None) or getattr(exc, "title", "")
    return f"twilio HTTP {exc.status}, error {exc.code}: {detail}"
