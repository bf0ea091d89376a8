"""`rq cron config/cron.py --url $REDIS_URL`: enqueue the scheduler tick every minute.

Run one `rq cron` (it holds no lock); the tick itself is safe to run twice. A tick
job not started within two minutes expires, so workers coming back after downtime
run one pass instead of a backlog of them.
"""
from rq import cron

from recurring.jobs import tick_job
from runtime import QUEUE_NAME

TICK_INTERVAL = 60  # seconds

cron.register(tick_job, QUEUE_NAME, interval=TICK_INTERVAL, ttl=2 * TICK_INTERVAL,
              job_timeout=5 * TICK_INTERVAL, result_ttl=10 * TICK_INTERVAL)
