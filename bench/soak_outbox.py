"""Soak: outbound texts sent exactly once while RQ workers are killed with SIGKILL.

    .venv/bin/python bench/soak_outbox.py [--texts 1000] [--workers 4] [--kill-every 3]
        [--latency 0.2] [--database-url postgresql+psycopg://...] [--redis-url redis://...]

Real `rq` worker processes (Onward's worker, with RQ's scheduler; tests/workers.py) send
through the real twilio client to the fake Twilio API on 127.0.0.1, which takes `--latency`
seconds to answer each text, so many kills land between Twilio taking a text and the
worker recording it. `--texts` confirmations are queued in one transaction; while send
jobs wait on the queue, a random busy worker (with its work horse and its scheduler) is killed
every `--kill-every` seconds on average and a new one started. Then nothing is killed
and RQ itself retries the dead workers' jobs: a worker's maintenance (every 5 s here,
RQ's default is 10 minutes) finds them abandoned once their heartbeat has lapsed (about
90 s), and retries them with the send job's backoff (30 s first), through the scheduler.

Printed: how many texts Twilio got once, more than once, never; rows marked failed; how
many lookups in Twilio's Messages list were made and how many sids they adopted.
Runs on a fresh SQLite file or the given database (emptied first), and an embedded Redis
or the given one (its db emptied).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from config.settings import load_settings  # noqa: E402
from server import create_app  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import Base  # noqa: E402
from store.redis import redis_url_of  # noqa: E402
from tests.fakes.twilio_api import FakeTwilioApi  # noqa: E402
from tests.workers import WorkerPool, soak  # noqa: E402

ACCOUNT_SID, AUTH_TOKEN = "AC" + "5" * 32, "soak-auth-token"


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="onward-soak-") as scratch:
        run(args, Path(scratch))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between kills, on average")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the fake Twilio takes to answer")
    parser.add_argument("--maintenance", type=int, default=5, help="seconds between a worker's maintenance")
    parser.add_argument("--deadline", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    return parser.parse_args()


def run(args: argparse.Namespace, scratch: Path) -> None:
    api = FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN, latency=args.latency).start()
    env = {"DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'onward.db'}",
           "ONWARD_CONFIG_DIR": str(ROOT / "tests" / "tenants"), "ONWARD_VAR_DIR": str(scratch / "var"),
           "HARBOR_API_TOKEN": "soak", "NORTH_API_TOKEN": "soak", "PUBLIC_BASE_URL": "https://onward.example.com",
           "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_API_BASE_URL": api.url}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    prepare_database(env["DATABASE_URL"], fresh=args.database_url is None)
    app = create_app(load_settings(env))
    runtime = app.extensions["onward"]
    runtime.redis.flushdb()
    env["REDIS_URL"] = redis_url_of(runtime.redis)  # the workers share the embedded server
    pool = WorkerPool(env, workers=args.workers, log_dir=scratch, maintenance=args.maintenance)
    print(f"soak: {args.texts} texts, {args.workers} workers, a kill every ~{args.kill_every:g} s, "
          f"Twilio answering in {args.latency:g} s, on {runtime.db.engine.dialect.name}", flush=True)
    try:
        with app.app_context():
            result = soak(runtime, api, pool, texts=args.texts, kill_every=args.kill_every,
                          chance=random.Random(args.seed), settle=lambda: None, deadline=args.deadline)
    finally:
        pool.stop()
        api.stop()
        runtime.db.dispose()
    print(result.describe())
    if result.once != result.texts:
        sys.exit(1)


def prepare_database(url: str, fresh: bool) -> None:
    upgrade(url)
    if fresh:
        return
    from store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


if __name__ == "__main__":
    main()
