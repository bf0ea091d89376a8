"""The console's clock: one place tests move (monkeypatch `console.clock.utcnow`)."""
from __future__ import annotations

from datetime import datetime

from store.db import utcnow


def now() -> datetime:
    return utcnow()
