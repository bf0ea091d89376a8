"""Benchmark: whole scheduler ticks for many tenants at once.

    .venv/bin/python bench/tick.py [--database-url postgresql+psycopg://...] [--redis-url redis://...]
                                   [--tenants 1000] [--people 1]

Tenants are built in memory: 100 tasks each, all at "0 9 * * *" in New York, shared
round-robin by `--people` people per tenant without quiet hours (default 1: all of a
tenant's reminders go to one person, so the rate limit holds all but the first).
Runs on a fresh SQLite file or on the given database (its tables are emptied first),
with the given Redis (its db is emptied) or an embedded one.

Each phase is one full pass, recurring.scheduler.tick, as `rq cron` runs it: every
step, and the outbox handing the new texts to RQ after each commit. At 10,000 and at
100,000 tasks:

    (warm-up) 08:59, not timed: the pass before, which also sends the owners' weekly
              digests (due Monday 08:00) that a fresh database would otherwise leave
              to the 09:00 pass
    firing    09:00: creates every run, writes every reminder (held or queued)
    bundles   09:01: nothing is due; each person's held reminders go out as a bundle
    quiet     09:01 again: nothing to do
    again     09:00 again, the mark moved back: every run insert conflicts

Then escalation (recurring/escalation.py), on 100,000 tasks each with one open run, of
which 2%, 5% and 10% are overdue (growth with the overdue count; --escalation-only
runs just this part):

    escalate  10:00: every overdue run's first step texts its assignee (with a reply code)
    again     10:00 again: nothing is due, nothing is sent
    next      10:30: every overdue run's second step texts its backup
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from config.schema import Person, Task, Tenant  # noqa: E402
from config.settings import load_settings  # noqa: E402
from store.after_commit import install_after_commit  # noqa: E402
from recurring.scheduler import TickResult, tick  # noqa: E402
from routing.tenants import TenantDirectory  # noqa: E402
from runtime import Runtime  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import Base, Message, Run  # noqa: E402

TASKS_PER_TENANT = 100
WARM_UP = datetime.fromisoformat("2026-11-23T08:59:00-05:00")
FIRE = datetime.fromisoformat("2026-11-23T09:00:00-05:00")
NEXT_MINUTE = datetime.fromisoformat("2026-11-23T09:01:00-05:00")


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float
    result: TickResult
    enqueued: int  # send jobs now on the RQ queue


def make_tenants(count: int, people: int) -> TenantDirectory:
    staff = tuple(Person(id=f"p{i}", name=f"P{i}", phone=f"+1617555{i:04d}") for i in range(people))
    task = Task(id="t0", title="Check the thing", cadence="0 9 * * *", due="30m", owner="p0",
                steps=("First step", "Second step"), proof="photo")
    tasks = tuple(task.model_copy(update={"id": f"t{i}", "title": f"Task {i}", "owner": f"p{i % people}"})
                  for i in range(TASKS_PER_TENANT))
    proto = Tenant(tenant="b0", name="Bench", timezone="America/New_York", numbers=("+16175550100",),
                   api_token="bench-token-0", people=staff, tasks=tasks)
    return TenantDirectory(tuple(proto.model_copy(update={"tenant": f"b{i}", "api_token": f"bench-token-{i}"})
                                 for i in range(count)))


def make_runtime(url: str, redis_url: str | None, var_dir: str, tenants: TenantDirectory) -> Runtime:
    """A runtime for the bench tenants on an emptied database and Redis db."""
    runtime = open_runtime(url, redis_url, var_dir, tenants)
    empty(runtime)
    return runtime


def open_runtime(url: str, redis_url: str | None, var_dir: str, tenants: TenantDirectory) -> Runtime:
    settings = load_settings({"DATABASE_URL": url, "REDIS_URL": redis_url or "", "ONWARD_VAR_DIR": var_dir})
    return install_after_commit(Runtime(settings=settings, db=Database(url), tenants=tenants))


def empty(runtime: Runtime) -> None:
    tables = [table.name for table in Base.metadata.sorted_tables]
    with runtime.db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                connection.execute(text(f"DELETE FROM {name}"))
    runtime.redis.flushdb()


def timed(name: str, runtime: Runtime, now: datetime) -> Phase:
    started = time.perf_counter()
    result = tick(runtime, now)
    return Phase(name, time.perf_counter() - started, result, runtime.queue.count)


def firing(runtime: Runtime) -> Phase:
    return timed("firing", runtime, FIRE)


def bundles(runtime: Runtime) -> Phase:
    return timed("bundles", runtime, NEXT_MINUTE)


def quiet(runtime: Runtime) -> Phase:
    return timed("quiet", runtime, NEXT_MINUTE)


def again(runtime: Runtime) -> Phase:
    with runtime.db.engine.begin() as connection:  # the mark back: 09:00 is in the window again
        connection.execute(text("DELETE FROM scheduler_marks"))
    phase = timed("again", runtime, FIRE)
    assert phase.result.runs_created == 0, phase.result
    return phase


PHASES = (firing, bundles, quiet, again)


def measure(runtime: Runtime) -> list[Phase]:
    tick(runtime, WARM_UP)
    phases = [phase(runtime) for phase in PHASES]
    tasks = sum(len(t.tasks) for t in runtime.tenants)
    assert phases[0].result.runs_created == tasks, phases[0].result
    return phases


def held_left(runtime: Runtime) -> int:
    with runtime.db.sessionmaker() as session:
        return session.scalar(select(func.count()).where(Message.status == "held"))


ESCALATE = datetime.fromisoformat("2026-11-23T10:00:00-05:00")
OVERDUE_SHARES = (0.02, 0.05, 0.1)


def make_escalating_tenants(count: int) -> TenantDirectory:
    """The bench tenants with a backup on every task and an owner: the built-in chain."""
    extra = (Person(id="b", name="B", phone="+16175559998"),
             Person(id="o", name="O", phone="+16175559999", role="owner"))
    return TenantDirectory(tuple(
        t.model_copy(update={"people": t.people + extra,
                             "tasks": tuple(task.model_copy(update={"backup": "b"}) for task in t.tasks)})
        for t in make_tenants(count, 1)))


def open_runs(runtime: Runtime, share: float) -> int:
    """One open run per task, reminded at 09:00; the first `share` of each tenant's due at 09:30."""
    overdue = round(TASKS_PER_TENANT * share)
    rows = [{"tenant": t.tenant, "task": task.id, "title": task.title, "slot": FIRE, "assignee": task.owner,
             "due_at": FIRE + timedelta(minutes=30 if i < overdue else 180), "state": "open",
             "escalation_level": 0, "flags": [], "reminded_at": FIRE}
            for t in runtime.tenants for i, task in enumerate(t.tasks)]
    with runtime.db.engine.begin() as connection:
        connection.execute(Run.__table__.insert(), rows)
    return overdue * len(runtime.tenants.tenants)


def escalation_phases(runtime: Runtime, overdue: int) -> list[Phase]:
    phases = [timed("escalate", runtime, ESCALATE), timed("again", runtime, ESCALATE),
              timed("next", runtime, ESCALATE + timedelta(minutes=30))]
    assert [p.result.escalated for p in phases] == [overdue, 0, overdue], [p.result for p in phases]
    return phases


def print_escalations(url: str, redis_url: str | None, tmp: str, tenants: int) -> None:
    backend = url.split(":")[0].split("+")[0]
    print(f"\n{'backend':<10} {'tasks':>8} {'overdue':>8} {'phase':<8} {'seconds':>8} {'escalated':>9} "
          f"{'runs/s':>8} {'bundles':>7} {'RQ jobs':>8}")
    for share in OVERDUE_SHARES:
        runtime = make_runtime(url, redis_url, tmp, make_escalating_tenants(tenants))
        tick(runtime, ESCALATE - timedelta(minutes=1))  # not timed: the owners' digests, the mark
        overdue = open_runs(runtime, share)
        for phase in escalation_phases(runtime, overdue):
            r = phase.result
            print(f"{backend:<10} {tenants * TASKS_PER_TENANT:>8,} {overdue:>8,} {phase.name:<8} "
                  f"{phase.seconds:>8.2f} {r.escalated:>9,} {r.escalated / phase.seconds:>8,.0f} "
                  f"{r.bundles_sent:>7,} {phase.enqueued:>8,}")
        runtime.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (default: a temporary SQLite file)")
    parser.add_argument("--redis-url", help="Redis to use, its db emptied (default: an embedded one)")
    parser.add_argument("--tenants", type=int, default=1000, help="tenants at the largest size")
    parser.add_argument("--people", type=int, default=1, help="people sharing each tenant's tasks")
    parser.add_argument("--escalation-only", action="store_true", help="time only the escalation ticks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        backend = url.split(":")[0].split("+")[0]
        print(f"{'backend':<10} {'tasks':>8} {'phase':<8} {'seconds':>8} {'runs':>8} "
              f"{'reminders':>9} {'held':>7} {'bundles':>7} {'RQ jobs':>8}")
        for tenants in () if args.escalation_only else (args.tenants // 10, args.tenants):
            runtime = make_runtime(url, args.redis_url, tmp, make_tenants(tenants, args.people))
            for phase in measure(runtime):
                r = phase.result
                print(f"{backend:<10} {tenants * TASKS_PER_TENANT:>8,} {phase.name:<8} {phase.seconds:>8.2f} "
                      f"{r.runs_created:>8,} {r.reminders_queued:>9,} {r.reminders_held:>7,} "
                      f"{r.bundles_sent:>7,} {phase.enqueued:>8,}")
            print(f"{'':<10} {'':>8} held texts still waiting for the next bundles: {held_left(runtime):,}")
            runtime.db.dispose()
        print_escalations(url, args.redis_url, tmp, args.tenants)


if __name__ == "__main__":
    main()
