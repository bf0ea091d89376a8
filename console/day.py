"""The tenant's local day, and the query for its runs as the signed-in person sees them:
every run for an owner or a manager, their own for staff."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Select, select

from console.access import SignedIn
from store.models import Run


def day_bounds(who: SignedIn, now: datetime) -> tuple[datetime, datetime]:
    """The tenant's local day around `now`, as aware datetimes."""
    local = now.astimezone(who.tenant.zone).date()
    start = datetime.combine(local, time(), who.tenant.zone)
    return start, datetime.combine(local + timedelta(days=1), time(), who.tenant.zone)


def day_runs(who: SignedIn, now: datetime, *columns) -> Select:
    """SELECT `columns` of the day's runs this person sees (by slot, in the tenant's zone)."""
    start, end = day_bounds(who, now)
    query = select(*columns).where(Run.tenant == who.tenant_id, Run.slot >= start, Run.slot < end)
    return query if who.decides else query.where(Run.assignee == who.person.id)
