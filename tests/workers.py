"""Real RQ worker processes, killed with SIGKILL and replaced while they send texts: the
soak of the outbox (tests/confirmations/test_soak.py, bench/soak_outbox.py).

    python -m tests.workers [MAINTENANCE_SECONDS]    Onward's worker with its scheduler,
                                                     settings from the environment
    soak = Soak(env, workers=3, log_dir=...)         start them
    soak.kill_one(random)                            SIGKILL one (its work horse and its
                                                     scheduler too) and start a replacement
    soak.stop()                                      SIGKILL them all

A killed worker's job stays in RQ's StartedJobRegistry until a worker's maintenance finds
it abandoned (a minute or more after its last heartbeat) and retries it.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def start_worker(env: dict[str, str], log_path: Path, maintenance: int) -> subprocess.Popen:
    """One worker process in its own session (process group), logging to log_path."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "tests.workers", str(maintenance)],
                                env={**os.environ, **env}, cwd=PROJECT_DIR, start_new_session=True,
                                stdout=log, stderr=subprocess.STDOUT)


def kill(process: subprocess.Popen) -> None:
    """kill -9 the worker and everything under it: RQ's work horse leaves the worker's
    process group (setpgrp), so it is found through /proc."""
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


class Soak:
    """A pool of worker processes to kill and replace."""

    def __init__(self, env: dict[str, str], workers: int, log_dir: Path, maintenance: int = 600):
        self.env, self.log_dir, self.maintenance = env, log_dir, maintenance
        self.started = 0
        self.kills = 0
        self.processes = [self._start() for _ in range(workers)]

    def _start(self) -> subprocess.Popen:
        self.started += 1
        return start_worker(self.env, self.log_dir / f"worker-{self.started}.log", self.maintenance)

    def kill_one(self, chance: random.Random) -> None:
        victim = self.processes.pop(chance.randrange(len(self.processes)))
        kill(victim)
        self.kills += 1
        self.processes.append(self._start())

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
        make_worker(app.extensions["onward"], maintenance_interval=maintenance).work(with_scheduler=True)


if __name__ == "__main__":
    main(sys.argv[1:])
