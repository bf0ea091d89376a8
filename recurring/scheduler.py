"""The scheduler tick: one pass over everything that is due at a given time.

Run every minute by `rq cron` (config/cron.py) and by `flask tick [--now ISO]`. Every
step must be safe to run twice at once and after a long gap (rq cron holds no lock).
What a pass does with runs and reminders is told in recurring/runs.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agents.booking.upkeep import tend_bookings
from confirmations.bundles import release_held
from confirmations.outbox import OUTBOX
from confirmations.throttle import pass_clock
from integrations.sync import SYNC
from recurring.digest import send_digests
from recurring.escalation import advance_escalations
from recurring.runs import schedule_runs
from runtime import Runtime
from store.sweeper import sweep


@dataclass(frozen=True)
class TickResult:
    """What one pass did, in counts."""

    now: datetime
    outbox_enqueued: int = 0
    runs_created: int = 0
    reminders_queued: int = 0
    reminders_held: int = 0  # of those, held back by the rate limit (confirmations/throttle.py)
    stale: int = 0  # runs created after their due time: recorded, not texted
    escalated: int = 0  # overdue runs moved one step up their chain (recurring/escalation.py)
    missed: int = 0  # runs whose chain ran out with no answer
    digests_sent: int = 0  # owners' weekly digests
    bundles_sent: int = 0  # texts that carried held ones out (a bundle, or a lone held text)

    def describe(self) -> str:
        return (f"tick at {self.now.isoformat()}: {self.runs_created} runs created "
                f"({self.stale} stale, not texted), {self.reminders_queued} reminders queued "
                f"({self.reminders_held} held back), "
                f"{self.escalated} escalated, {self.missed} missed, "
                f"{self.outbox_enqueued} pending texts enqueued, {self.digests_sent} digests sent, "
                f"{self.bundles_sent} bundles of held texts sent")


def tick(runtime: Runtime, now: datetime) -> TickResult:
    """One scheduler pass with the clock at `now` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    with pass_clock(now):  # texts queued by any step count against the rate limit at `now`
        enqueued = sweep(runtime, OUTBOX, now)
        sweep(runtime, SYNC, now)  # CRM and payment writes due for a (re)try
        runs = schedule_runs(runtime, now)
        escalations = advance_escalations(runtime, now)
        digests = send_digests(runtime, now)
        tend_bookings(runtime, now)  # lapsed booking holds released, appointment reminders (agents/booking/upkeep.py)
        bundles = release_held(runtime, now)  # keep last: this pass's held texts join the bundles
    return TickResult(now=now, outbox_enqueued=enqueued, runs_created=runs.created,
                      reminders_queued=runs.reminded, reminders_held=runs.held, stale=runs.stale,
                      escalated=escalations.texted, missed=escalations.missed, digests_sent=digests,
                      bundles_sent=bundles)
