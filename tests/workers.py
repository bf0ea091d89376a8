"""Real RQ worker processes, killed with SIGKILL and replaced while they send texts: the
soak of the outbox (tests/confirmations/test_soak.py, bench/soak_outbox.py).

    python -m tests.workers [MAINTENANCE_SECONDS]    Onward's worker with its scheduler,
                                                     settings from the environment
    pool = WorkerPool(env, workers=3, log_dir=...)   start them
    pool.kill_one(random)                            SIGKILL one (its work horse and its
                                                     scheduler too) and start a replacement
    pool.stop()                                      SIGKILL them all
    retry_abandoned(runtime)                         what RQ's maintenance does for their
                                                     jobs a minute on, at once (tests)
    soak(runtime, api, pool, texts=..., ...)         queue texts, kill workers while they
                                                     send, count what reached the fake Twilio

A killed worker's job stays in RQ's StartedJobRegistry until a worker's maintenance finds
it abandoned (a minute or more after its last heartbeat) and retries it.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rq.job import Job
from sqlalchemy import func, select

from confirmations.outbox import send_job_id
from store.models import Message

PROJECT_DIR = Path(__file__).resolve().parent.parent
SOAK_TENANT = "harbor-barbers"
SOAK_FROM = "+16175550100"


def start_worker(env: dict[str, str], log_path: Path, maintenance: int) -> subprocess.Popen:
    """One worker process in its own session (process group), logging to log_path."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "tests.workers", str(maintenance)],
                                env={**os.environ, **env}, cwd=PROJECT_DIR, start_new_session=True,
                                stdout=log, stderr=subprocess.STDOUT)


def kill(process: subprocess.Popen) -> None:
    """kill -9 the worker and everything under it (its process group, and anything that left
    the group, found through /proc)."""
    pids = descendants(process.pid)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found


def busy_pids(redis_url: str) -> set[int]:
    """The pids of the workers running a job now, as they report it to RQ (Onward's workers run
    jobs in their own process: there is no work horse to look for)."""
    from redis import Redis
    from rq import Worker

    with Redis.from_url(redis_url) as connection:
        return {worker.pid for worker in Worker.all(connection=connection) if worker.get_state() == "busy"}


class WorkerPool:
    """A pool of worker processes to kill and replace."""

    def __init__(self, env: dict[str, str], workers: int, log_dir: Path, maintenance: int = 600):
        self.env, self.log_dir, self.maintenance = env, log_dir, maintenance
        self.started = 0
        self.kills = 0
        self.processes = [self._start() for _ in range(workers)]

    def _start(self) -> subprocess.Popen:
        self.started += 1
        return start_worker(self.env, self.log_dir / f"worker-{self.started}.log", self.maintenance)

    def kill_one(self, chance: random.Random) -> bool:
        """kill -9 a random worker that is running a job, and start a replacement; False
        when none is (they are starting up, or idle)."""
        running = busy_pids(self.env["REDIS_URL"])
        busy = [p for p in self.processes if p.pid in running]
        if not busy:
            return False
        victim = chance.choice(busy)
        self.processes.remove(victim)
        kill(victim)
        self.kills += 1
        self.processes.append(self._start())
        return True

    def stop(self) -> None:
        for process in self.processes:
            kill(process)
        self.processes = []


def main(argv: list[str]) -> None:
    from confirmations.cli import make_worker
    from server import create_app

    app = create_app()
    with app.app_context():
        maintenance = int(argv[0]) if argv else 600
        # An idle worker waits on the queue for worker_ttl - 15 s before it does maintenance
        # (abandoned jobs, taking over a dead worker's scheduler): no longer than its interval.
        worker = make_worker(app.extensions["onward"], maintenance_interval=maintenance,
                             worker_ttl=max(maintenance + 15, 20))
        worker.work(with_scheduler=True)


if __name__ == "__main__":
    main(sys.argv[1:])


@dataclass
class SoakResult:
    texts: int
    kills: int
    seconds: float  # from the first text queued to the last one settled
    once: int  # bodies Twilio got exactly once
    twice: int  # bodies Twilio got more than once
    missing: int  # bodies Twilio never got
    failed: int  # rows marked failed
    adopted: int  # rows whose sid came from the lookup, not from their own POST's answer
    lookups: int  # requests to Twilio's Messages list

    def describe(self) -> str:
        return (f"{self.texts} texts, {self.kills} workers killed (kill -9) in {self.seconds:.0f} s: "
                f"{self.once} sent exactly once, {self.twice} sent more than once, {self.missing} never sent, "
                f"{self.failed} marked failed; {self.lookups} lookups in Twilio's list, {self.adopted} sids adopted")


def soak(runtime, api, pool: WorkerPool, *, texts: int, kill_every: float, chance: random.Random,
         settle: Callable[[], None], deadline: float) -> SoakResult:
    """Queue `texts` confirmations, kill -9 a random busy worker every `kill_every` seconds
    (on average) while send jobs wait on the queue, then `settle()` (wait for RQ to retry
    the killed workers' jobs) and count what reached the fake Twilio."""
    started = time.monotonic()
    queue_soak_texts(runtime, texts)
    while runtime.queue.count and time.monotonic() - started < deadline:
        time.sleep(kill_every * chance.uniform(0.5, 1.5))
        while not pool.kill_one(chance) and runtime.queue.count:
            time.sleep(0.05)
    settle()
    while unsent(runtime) and time.monotonic() - started < deadline:
        time.sleep(0.2)
    seconds = time.monotonic() - started
    counts = Counter(m["body"] for m in api.messages)
    bodies = [soak_body(n) for n in range(texts)]
    with runtime.db.session() as session:
        rows = session.scalars(select(Message).where(Message.direction == "out")).all()
        failed = sum(1 for m in rows if m.status == "failed")
    jobs = Job.fetch_many([send_job_id(m.id) for m in rows], connection=runtime.redis)
    adopted = sum(1 for job in jobs if job is not None and job.return_value() == "adopted")
    return SoakResult(texts=texts, kills=pool.kills, seconds=seconds,
                      once=sum(1 for b in bodies if counts[b] == 1), twice=sum(1 for b in bodies if counts[b] > 1),
                      missing=sum(1 for b in bodies if counts[b] == 0), failed=failed, adopted=adopted,
                      lookups=sum(1 for r in api.requests if r.method == "GET"))


def soak_body(number: int) -> str:
    return f"Soak text {number}: you're booked for a haircut."


def queue_soak_texts(runtime, texts: int) -> None:
    """One transaction, as a busy tick writes them; 50 phones, so lookups find several."""
    from confirmations.outbox import Text, queue_messages

    batch = [Text(SOAK_TENANT, f"+1617555{1000 + n % 50:04d}", SOAK_FROM, soak_body(n), "confirmation")
             for n in range(texts)]
    with runtime.db.session() as session:
        queue_messages(session, batch)


def unsent(runtime) -> int:
    query = select(func.count(Message.id)).where(Message.direction == "out", Message.status == "queued",
                                                 Message.provider_sid.is_(None))
    with runtime.db.session() as session:
        return session.scalar(query)


def retry_abandoned(runtime) -> None:
    """With every worker gone: retry their jobs now, as RQ's maintenance would once their
    heartbeats expire (a job popped but not yet started is put back on the queue)."""
    from rq.registry import StartedJobRegistry

    queue = runtime.queue
    StartedJobRegistry(queue.name, connection=runtime.redis).cleanup(timestamp=time.time() + 3600)
    for job_id in queue.intermediate_queue.get_job_ids():
        queue.intermediate_queue.remove(job_id)
        job = queue.fetch_job(job_id)
        if job is not None:
            queue.enqueue_job(job)
