"""The tick runs on a thread at the lowest CPU priority, and the caller keeps its own."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from recurring.priority import LOWEST, at_lowest_priority


def own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread niceness is Linux's")
def test_the_work_runs_at_nice_19_and_the_caller_keeps_its_priority():
    before = own_niceness()
    assert at_lowest_priority(own_niceness) == LOWEST
    assert own_niceness() == before


def test_the_work_s_exception_reaches_the_caller():
    def failing():
        raise LookupError("no such tenant")

    with pytest.raises(LookupError, match="no such tenant"):
        at_lowest_priority(failing)


def test_a_tick_by_the_command_line_runs_at_the_lowest_priority(runner, monkeypatch):
    seen = []
    import recurring.cli

    real_tick = recurring.cli.tick
    monkeypatch.setattr(recurring.cli, "tick", lambda runtime, now: seen.append(own_niceness()) or real_tick(runtime, now))
    result = runner.invoke(args=["tick", "--now", "2026-11-23T09:00:00-05:00"])
    assert result.exit_code == 0, result.output
    assert seen == [LOWEST if sys.platform == "linux" else own_niceness()]
