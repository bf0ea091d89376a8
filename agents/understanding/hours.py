"""The tenant's opening hours for a day, as the understanding rules need them."""
from __future__ import annotations

from datetime import date, time

from config.schema import DAYS, Tenant, days_of


def opening(tenant: Tenant, day: date) -> tuple[time, time] | None:
    name = DAYS[day.weekday()]
    for key, value in tenant.hours.items():
        if name in days_of(key):
            return None if value == "closed" else value
    return None


def is_open(tenant: Tenant, day: date) -> bool:
    return opening(tenant, day) is not None


def widest_hours(tenant: Tenant) -> tuple[time, time] | None:
    """From the earliest opening to the latest closing of the week: for a time without a day."""
    ranges = [value for value in tenant.hours.values() if value != "closed"]
    if not ranges:
        return None
    return min(r[0] for r in ranges), max(r[1] for r in ranges)
