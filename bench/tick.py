"""Benchmark: the scheduler tick's runs and reminders for many tenants at once.

    .venv/bin/python bench/tick.py [--database-url postgresql+psycopg://...] [--tenants 1000]

Tenants are built in memory (100 tasks each, all at "0 9 * * *" in New York, owned by
a person without quiet hours), on a fresh SQLite file, or on the given database (its
runs, messages and scheduler marks are emptied first). For 10,000 and 100,000 tasks
it times:

    firing   the pass at 09:00 that creates every run and queues every reminder
    quiet    the pass at 09:01, with all those runs in the table, that creates nothing
    again    a second pass at 09:00, after the firing one: every insert conflicts

What is timed is recurring.runs.schedule_runs, the part of the tick this benchmark is
about. Handing the reminders to RQ is not: the outbox enqueues them after commit (or
its sweeper does, 500 a pass), on Redis's clock, not the database's.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from config.schema import Person, Task, Tenant  # noqa: E402
from recurring.runs import schedule_runs  # noqa: E402
from routing.tenants import TenantDirectory  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402

TASKS_PER_TENANT = 100
FIRE = datetime.fromisoformat("2026-11-23T09:00:00-05:00")
QUIET = datetime.fromisoformat("2026-11-23T09:01:00-05:00")


def make_tenants(count: int) -> TenantDirectory:
    task = Task(id="t0", title="Check the thing", cadence="0 9 * * *", due="30m", owner="p",
                steps=("First step", "Second step"), proof="photo")
    tasks = tuple(task.model_copy(update={"id": f"t{i}", "title": f"Task {i}"})
                  for i in range(TASKS_PER_TENANT))
    proto = Tenant(tenant="b0", name="Bench", timezone="America/New_York", numbers=("+16175550100",),
                   api_token="bench-token-0", people=(Person(id="p", name="P", phone="+16175550101"),),
                   tasks=tasks)
    return TenantDirectory(tuple(proto.model_copy(update={"tenant": f"b{i}", "api_token": f"bench-token-{i}"})
                                 for i in range(count)))


def empty(db: Database) -> None:
    with db.engine.begin() as connection:
        for table in ("messages", "proofs", "escalations", "runs", "scheduler_marks"):
            connection.execute(text(f"DELETE FROM {table}"))


def timed(runtime, now: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    counts = schedule_runs(runtime, now)
    return time.perf_counter() - started, counts.created


def measure(url: str, tenants: int) -> dict[str, float]:
    db = Database(url)
    empty(db)
    runtime = SimpleNamespace(db=db, tenants=make_tenants(tenants))
    firing, created = timed(runtime, FIRE)
    assert created == tenants * TASKS_PER_TENANT, created
    quiet, none = timed(runtime, QUIET)
    assert none == 0
    with db.engine.begin() as connection:  # the mark back to 08:59: 09:00 is in the window again
        connection.execute(text("DELETE FROM scheduler_marks"))
    again, none = timed(runtime, FIRE)
    assert none == 0
    db.dispose()
    return {"tasks": tenants * TASKS_PER_TENANT, "firing": firing, "quiet": quiet, "again": again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (default: a temporary SQLite file)")
    parser.add_argument("--tenants", type=int, default=1000, help="tenants at the largest size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        backend = url.split(":")[0].split("+")[0]
        print(f"{'backend':<10} {'tasks':>8} {'firing s':>9} {'quiet s':>8} {'again s':>8} {'runs/s':>9}")
        for tenants in (args.tenants // 10, args.tenants):
            row = measure(url, tenants)
            print(f"{backend:<10} {row['tasks']:>8,} {row['firing']:>9.2f} {row['quiet']:>8.3f} "
                  f"{row['again']:>8.2f} {row['tasks'] / row['firing']:>9,.0f}")


if __name__ == "__main__":
    main()
