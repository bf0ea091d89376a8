"""Benchmark: the operator console's pages rendered server-side for a busy tenant.

    .venv/bin/python bench/console.py [--database-url postgresql+psycopg://...] [--runs 1000] [--bookings 500]
                                      [--requests 100]

Harbor Street Barbers (config/tenants) gets `--runs` runs today, spread over its tasks
and the five states: the done ones with a proof (a photo path, a reading or a note), a
tenth of the open ones escalated (with a step, as the tick writes it), plus a few open
findings; and `--bookings` bookings this week (Monday to Sunday, in opening hours, for
200 customers: most confirmed, a tenth held, a tenth cancelled). The owner's session is opened directly (no text), and each page in PAGES is
requested through the Flask test client `--requests` times after a warm-up; the figures
are per request, whole (session lookup, queries, template). Target: p95 under 150 ms.

To time another page, add it to PAGES (and seed its rows in a function beside seed_runs).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from console.access import COOKIE  # noqa: E402
from console.signin import memberships, open_session  # noqa: E402
from server import create_app  # noqa: E402
from store.models import Booking, Customer, Escalation, Finding, Proof, Run  # noqa: E402

TENANT, OWNER = "harbor-barbers", "+16175550101"
STATES = ("open", "late", "done", "missed", "excused")
PAGES = {"today": "/console/", "today, live poll (unchanged: 204)": "/console/today/live?version={version}",
         "bookings, the week": "/console/bookings?view=week", "bookings, a day": "/console/bookings"}
CUSTOMERS = 200
WARM_UP = 5


def seed_runs(runtime, count: int, now: datetime) -> None:
    tenant = runtime.tenants.get(TENANT)
    tasks, people = tenant.tasks, [p.id for p in tenant.people]
    start = now.astimezone(tenant.zone).replace(hour=0, minute=5, second=0, microsecond=0)
    with runtime.db.session() as session:
        for i in range(count):
            task, state = tasks[i % len(tasks)], STATES[i % len(STATES)]
            slot = start + timedelta(seconds=(i * 80) % 80000)
            run = Run(tenant=TENANT, task=task.id, title=task.title, slot=slot, due_at=slot + timedelta(minutes=30),
                      state=state, assignee=people[i % len(people)], flags=["out_of_range"] if i % 17 == 0 else [],
                      escalation_level=1 if state == "open" and i % 10 == 0 else 0,
                      completed_by=people[i % len(people)] if state in ("done", "late") else None,
                      completed_at=slot + timedelta(minutes=20) if state in ("done", "late") else None)
            session.add(run)
            session.flush()
            if state in ("done", "late"):
                session.add(proof_of(run, i))
            if run.escalation_level:
                session.add(Escalation(tenant=TENANT, run_id=run.id, level=1, target="assignee",
                                       notified=[run.assignee], codes={run.assignee: 1}))
        for i in range(3):
            session.add(Finding(tenant=TENANT, task=tasks[i].id, kind="misses", summary=f"{tasks[i].title} missed 3 of 7",
                                runs=[], open_key=f"bench:{i}"))


def seed_bookings(runtime, count: int, now: datetime) -> None:
    """`count` bookings this local week, 09:00 to 18:30 on the 15-minute grid."""
    tenant = runtime.tenants.get(TENANT)
    local = now.astimezone(tenant.zone)
    monday = (local - timedelta(days=local.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
    services = tenant.services
    with runtime.db.session() as session:
        customers = [Customer(tenant=TENANT, phone=f"+1617555{7000 + i:04d}", name=f"Customer {i}")
                     for i in range(CUSTOMERS)]
        session.add_all(customers)
        session.flush()
        for i in range(count):
            service = services[i % len(services)]
            start = monday + timedelta(days=i % 7, minutes=15 * ((i // 7) % 38))
            state = "held" if i % 10 == 3 else "cancelled" if i % 10 == 7 else "confirmed"
            session.add(Booking(tenant=TENANT, customer_id=customers[i % CUSTOMERS].id, service=service.id,
                                start=start, end=start + service.duration, state=state, price=service.price,
                                deposit=service.deposit, hold_expires_at=now + timedelta(days=8) if state == "held"
                                else None, accepted_at=now if state == "held" else None))


def proof_of(run: Run, i: int) -> Proof:
    kind = ("photo", "number", "text")[i % 3]
    fields = {"photo": {"media_path": f"/nonexistent/{i:064x}.jpg", "sha256": f"{i:064x}"},
              "number": {"value": "38", "unit": "F"}, "text": {"value": "all done, towels stocked"}}[kind]
    return Proof(tenant=TENANT, run_id=run.id, kind=kind, **fields)


def signed_in_client(app, runtime, now: datetime):
    with runtime.db.session() as session:
        token = open_session(session, OWNER, memberships(runtime.tenants, OWNER), now)
    client = app.test_client()
    client.set_cookie(COOKIE, token, path="/console")
    return client


def time_page(client, path: str, requests: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per request: on a shared machine the wall time waits for
    the CPU as well, while this thread's CPU time is the work the page costs."""
    for _ in range(WARM_UP):
        client.get(path)
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.thread_time()
        answer = client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        assert answer.status_code in (200, 204), (path, answer.status_code)
    return sorted(wall), sorted(cpu)


def p95(timings: list[float]) -> float:
    return timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--bookings", type=int, default=500)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        env = {"ONWARD_VAR_DIR": var, "HARBOR_API_TOKEN": "bench-harbor-token",
               "ONWARD_CONFIG_DIR": str(ROOT / "config" / "tenants")}
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        app = create_app(load_settings(env))
        gc.freeze()  # as gunicorn.conf.py does in each worker once the app is loaded
        runtime = app.extensions["onward"]
        now = datetime.now(timezone.utc)
        seed_runs(runtime, args.runs, now)
        seed_bookings(runtime, args.bookings, now)
        client = signed_in_client(app, runtime, now)
        version = client.get("/console/today/live").text.split("version=")[1].split('"')[0]
        print(f"console pages, {args.runs} runs today, {args.bookings} bookings this week, {args.requests} requests "
              f"each (ms per request; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        for name, path in PAGES.items():
            wall, cpu = time_page(client, path.format(version=version), args.requests)
            print(f"  {name:36} p50 {statistics.median(wall):6.1f}  p95 {p95(wall):6.1f}  max {wall[-1]:6.1f}"
                  f"   CPU p50 {statistics.median(cpu):6.1f}  p95 {p95(cpu):6.1f}")
        runtime.db.dispose()


if __name__ == "__main__":
    main()
