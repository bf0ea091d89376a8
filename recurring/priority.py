"""The scheduler tick runs at the lowest CPU priority.

A tick that fires 100,000 tasks keeps a core busy for seconds; on a small machine that
core is one the webhooks need (bench/mixed.py, 2 cores, 100 texts a second, during such a
tick: PostgreSQL p50 497 ms, p99 1.1 s at normal priority, p50 27 ms, p99 78 ms at nice 19;
SQLite p99 114 ms against 63 ms). Texts can't wait; the tick can.

Linux gives each thread a niceness of its own, and a process without privileges can't
lower one again, so the tick gets a thread that ends with it: the worker that ran the
tick sends its next text at its usual priority.
"""
from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

LOWEST = 19
T = TypeVar("T")


def at_lowest_priority(work: Callable[[], T]) -> T:
    """work() on a thread at nice 19; its result, or its exception raised here."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tick", initializer=lower_own_priority) as pool:
        return pool.submit(work).result()


def lower_own_priority() -> None:
    if sys.platform == "linux":  # elsewhere the call would renice the whole process, or fail
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST)
