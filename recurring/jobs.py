"""RQ jobs of recurring work."""
from __future__ import annotations

from recurring.priority import at_lowest_priority
from recurring.scheduler import TickResult, tick
from runtime import current_runtime
from store.db import utcnow


def tick_job() -> str:
    """One scheduler pass at the real time; registered with `rq cron` in config/cron.py."""
    runtime, now = current_runtime(), utcnow()
    result: TickResult = at_lowest_priority(lambda: tick(runtime, now))
    return result.describe()
