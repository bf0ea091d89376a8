"""`flask --app server tick [--now ISO]`: one scheduler pass."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import with_appcontext

from recurring.priority import at_lowest_priority
from recurring.scheduler import tick
from runtime import current_runtime, report_schema
from store.db import utcnow


class AwareDateTime(click.ParamType):
    """An ISO 8601 time with a UTC offset, e.g. 2026-11-23T09:00:00-05:00 (or ...Z)."""

    name = "ISO time"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time, e.g. 2026-11-23T09:00:00-05:00", param, ctx)
        if parsed.tzinfo is None:
            # A clock without an offset is ambiguous across the tenants' time zones.
            self.fail(f"{value!r} has no UTC offset; add one, such as +00:00 or Z", param, ctx)
        return parsed.astimezone(timezone.utc)


@click.command("tick")
@click.option("--now", type=AwareDateTime(), default=None,
              help="The clock of this pass (ISO 8601 with offset); default: the real time.")
@with_appcontext
def tick_command(now: datetime | None) -> None:
    """Run one scheduler pass and print what it did."""
    runtime = current_runtime()
    report_schema(runtime)
    result = at_lowest_priority(lambda: tick(runtime, now or utcnow()))
    click.echo(result.describe())
