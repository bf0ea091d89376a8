"""The short soak: 50 texts sent by real RQ worker processes, a random one killed with
SIGKILL every two seconds or so and replaced (for up to 15 s; what is left then is sent
by the test's own worker); every text reaches Twilio exactly once.
The long one is bench/soak_outbox.py."""
from __future__ import annotations

import random

import pytest

from tests.conftest import twilio_env
from tests.confirmations.conftest import run_worker
from tests.workers import WorkerPool, retry_abandoned, soak


@pytest.mark.soak
def test_every_text_goes_out_exactly_once_while_workers_are_killed(env, tmp_path, twilio_runtime, twilio_api):
    twilio_api.latency = 0.5  # most of a send is the wait on Twilio: most kills land mid-call
    pool = WorkerPool({**env, **twilio_env(twilio_api.url)}, workers=3, log_dir=tmp_path)

    def settle() -> None:
        pool.stop()
        twilio_api.latency = 0.0
        retry_abandoned(twilio_runtime)
        run_worker(twilio_runtime)

    try:
        result = soak(twilio_runtime, twilio_api, pool, texts=50, kill_every=2.0, chance=random.Random(8),
                      settle=settle, deadline=15)
    finally:
        pool.stop()
    print(result.describe())
    assert result.kills >= 3
    assert (result.once, result.twice, result.missing, result.failed) == (50, 0, 0, 0), result.describe()
