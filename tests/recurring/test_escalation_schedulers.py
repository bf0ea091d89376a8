"""Two schedulers at once (two processes) against PostgreSQL and Redis, over a day of
simulated ticks in which nobody answers: every escalation text goes exactly once."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import make_engine
from store.models import Escalation, Message, Run

ROOT = Path(__file__).resolve().parents[2]
TICKS = """
import sys
from datetime import datetime, timedelta
from recurring.scheduler import tick
from server import create_app
runtime = create_app().extensions["onward"]
start = datetime.fromisoformat(sys.argv[1])
for i in range(int(sys.argv[3])):
    tick(runtime, start + i * timedelta(minutes=int(sys.argv[2])))
"""
CHAIN_LENGTHS = {"opening": 4, "jars": 4, "cooler": 3, "cash": 4, "handoff-note": 4}


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="two schedulers need PostgreSQL (DATABASE_URL)")
def test_two_schedulers_over_a_day_send_every_escalation_text_once(env):
    # Monday 08:55 to 23:55 New York, a tick every 5 minutes, in both processes at once
    command = [sys.executable, "-c", TICKS, "2026-11-23T08:55:00-05:00", "5", "181"]
    environ = {**os.environ, **env}
    procs = [subprocess.Popen(command, cwd=ROOT, env=environ, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-6000:] for _, err in outputs]

    engine = make_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        runs = connection.execute(select(Run.id, Run.task, Run.state, Run.escalation_level)).all()
        steps = connection.execute(select(Escalation.run_id, Escalation.level, Escalation.notified)).all()
        rows = connection.execute(select(Message.id, Message.purpose, Message.to_phone, Message.body,
                                         Message.status, Message.bundle_id)).all()
    engine.dispose()

    # every task's run ran its whole chain, nobody answering, and was missed
    assert sorted((task, state, level) for _, task, state, level in runs) == sorted(
        (task, "missed", length) for task, length in CHAIN_LENGTHS.items())
    assert len(steps) == sum(CHAIN_LENGTHS.values())
    # texts as written (a bundle of held texts is a row of its own, which they point at)
    bundles = {row.bundle_id for row in rows if row.bundle_id is not None}
    texts = [row for row in rows if row.id not in bundles]
    by_purpose = Counter(row.purpose for row in texts)
    assert by_purpose["reminder"] == len(runs)
    assert by_purpose["escalation"] == sum(len(people) for _, _, people in steps)  # each step, each person
    texted = {run_id: {p for r, _, people in steps if r == run_id for p in people} for run_id, *_ in runs}
    assert by_purpose["notice"] == sum(len(people) for people in texted.values())  # "missed", to each
    assert [key for key, n in Counter((row.to_phone, row.body) for row in texts).items() if n > 1] == []
    # each went out once: by itself, or inside the one bundle it points at; none still waits
    assert {row.status for row in texts} <= {"queued", "bundled"}
    assert all((row.status == "bundled") == (row.bundle_id is not None) for row in texts)
