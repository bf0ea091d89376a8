"""The scheduler tick: one pass over everything that is due at a given time.

Run every minute by `rq cron` (config/cron.py) and by `flask tick [--now ISO]`. Every
step must be safe to run twice at once and after a long gap (rq cron holds no lock).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confirmations.sweeper import sweep_outbox
from runtime import Runtime


@dataclass(frozen=True)
class TickResult:
    """What one pass did, in counts."""

    now: datetime
    outbox_enqueued: int = 0

    def describe(self) -> str:
        return f"tick at {self.now.isoformat()}: {self.outbox_enqueued} pending texts enqueued"


def tick(runtime: Runtime, now: datetime) -> TickResult:
    """One scheduler pass with the clock at `now` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    return TickResult(now=now, outbox_enqueued=sweep_outbox(runtime, now))
