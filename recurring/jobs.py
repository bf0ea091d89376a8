"""RQ jobs of recurring work."""
from __future__ import annotations

from recurring.scheduler import TickResult, tick
from runtime import current_runtime
from store.db import utcnow


def tick_job() -> str:
    """One scheduler pass at the real time; registered with `rq cron` in config/cron.py."""
    result: TickResult = tick(current_runtime(), utcnow())
    return result.describe()
