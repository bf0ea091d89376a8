"""Sending texts and placing calls: one interface, a Twilio and a console implementation."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from config.settings import Settings


@dataclass(frozen=True)
class SendResult:
    sid: str | None
    status: str  # Twilio's word for the new message's state, or "console"


class Messaging(ABC):
    name: str

    @abstractmethod
    def send(self, *, to: str, from_: str, body: str, media: Sequence[str] = (),
             status_callback: str | None = None) -> SendResult:
        """Send one text; raise TemporaryError or PermanentError when it cannot go out
        (OutcomeUnknown when it may have gone out all the same)."""

    @abstractmethod
    def find_sent(self, *, to: str, from_: str, body: str, since: datetime) -> list[SendResult]:
        """The texts the provider holds as sent from `from_` to `to` with this body since
        `since`, oldest first: what an attempt that ended without an answer may have sent."""

    @abstractmethod
    def call(self, *, to: str, from_: str, url: str) -> SendResult:
        """Place one call whose TwiML is fetched from `url` (answered by a machine: AnsweredBy
        says so); errors as for send()."""

    @abstractmethod
    def find_calls(self, *, to: str, from_: str, since: datetime) -> list[SendResult]:
        """The calls the provider holds as placed from `from_` to `to` since `since`, oldest first."""


def make_messaging(settings: Settings) -> Messaging:
    if settings.has_twilio_credentials:
        from integrations.messaging.twilio import TwilioMessaging

        return TwilioMessaging(settings)
    from integrations.messaging.console import ConsoleMessaging

    return ConsoleMessaging()
