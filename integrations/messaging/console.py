"""The console sender: without Twilio credentials, outbound texts (and calls) are printed and kept.

It lets a newcomer try every flow locally; nothing leaves the machine.
"""
from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from integrations.messaging import Messaging, SendResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsoleText:
    """One text the console sender recorded."""

    local_id: str
    to: str
    from_: str
    body: str
    media: tuple[str, ...]


class ConsoleMessaging(Messaging):
    name = "console"

    def __init__(self) -> None:
        self.sent: list[ConsoleText] = []
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def send(self, *, to: str, from_: str, body: str, media: Sequence[str] = (),
             status_callback: str | None = None) -> SendResult:
        with self._lock:
            text = ConsoleText(f"console-{next(self._numbers)}", to, from_, body, tuple(media))
            self.sent.append(text)
        media_note = f" (+{len(text.media)} media)" if text.media else ""
        print(f"[console text {text.local_id}] {from_} -> {to}: {body}{media_note}", flush=True)
        log.info("console text %s from %s to %s recorded", text.local_id, from_, to)
        # No provider sid: the local id restarts with the process, and provider_sid is unique.
        return SendResult(sid=None, status="console")

    def call(self, *, to: str, from_: str, url: str) -> SendResult:
        print(f"[console call] {from_} -> {to}: {url}", flush=True)
        log.info("console call from %s to %s recorded", from_, to)
        return SendResult(sid=None, status="console")

    def find_calls(self, *, to: str, from_: str, since: datetime) -> list[SendResult]:
        return []  # as for texts: nothing outlives the process that printed it

    def find_sent(self, *, to: str, from_: str, body: str, since: datetime) -> list[SendResult]:
        # What it printed is gone with the process that printed it: a console text whose
        # worker died before recording it is printed again.
        return []
