"""What the agents pass along: the Interaction they answer and the ExecutionContext."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from config.schema import Tenant
from routing.tenants import Actor

if TYPE_CHECKING:
    from agents.understanding.engine import Engine
    from agents.understanding.result import Understanding
    from integrations.media import Fetched


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True)
class Interaction:
    """One inbound event, normalised, whatever channel it came by."""

    channel: str  # sms | mms | voice | api
    provider_key: str  # unique per provider event: replays share it
    from_phone: str
    to_phone: str
    text: str
    received_at: datetime
    media: tuple[Media, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)
    call_step: int | None = None  # voice: the call's step, 0 when it is answered


@dataclass(frozen=True)
class Step:
    agent: str
    input: str
    outcome: str
    ms: float


@dataclass
class ExecutionContext:
    tenant: Tenant
    actor: Actor
    interaction: Interaction
    interaction_id: int
    now: datetime
    state: str = "idle"
    slots: dict[str, Any] = field(default_factory=dict)
    intent: Understanding | None = None  # what the understanding engine made of the text
    fetched: Fetched = field(default_factory=dict)  # photos fetched before the transaction
    # The understanding engine the agents ask: one that answers with what a model said before
    # the transaction began (routing/ahead.py); None for the app's own.
    understander: Engine | None = None
    replies: list[str] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    outcome: str = "pending"

    @property
    def text(self) -> str:
        return self.interaction.text

    def reply(self, text: str) -> None:
        self.replies.append(text)
