"""SQLite writers take turns on a file lock, and a bulk job's batches give way to every
other writer: a webhook waits for at most the batch in progress, not the whole job."""
from __future__ import annotations

import threading

from store.db import Database

BLOCKED = 0.3  # long enough for a thread that could take its turn to have taken it


def hold_turn(db: Database, order: list[str], name: str, bulk: bool = False,
              release: threading.Event | None = None, holding: threading.Event | None = None):
    def run():
        with db.writer_turn(bulk=bulk):
            order.append(name)
            if holding:
                holding.set()
            if release:
                release.wait(10)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_waiting_writer_goes_before_the_next_bulk_batch(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'onward.db'}")
    order: list[str] = []
    release, holding = threading.Event(), threading.Event()
    batch = hold_turn(db, order, "batch 1", bulk=True, release=release, holding=holding)
    assert holding.wait(5)
    webhook = hold_turn(db, order, "webhook")
    webhook.join(BLOCKED)
    next_batch = hold_turn(db, order, "batch 2", bulk=True)
    next_batch.join(BLOCKED)
    assert webhook.is_alive() and next_batch.is_alive()  # both wait for batch 1

    release.set()
    for thread in (batch, webhook, next_batch):
        thread.join(5)
    assert order == ["batch 1", "webhook", "batch 2"]


def test_a_bulk_batch_waits_while_a_writer_holds_its_turn(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'onward.db'}")
    order: list[str] = []
    release, holding = threading.Event(), threading.Event()
    webhook = hold_turn(db, order, "webhook", release=release, holding=holding)
    assert holding.wait(5)
    batch = hold_turn(db, order, "batch", bulk=True)
    batch.join(BLOCKED)
    assert batch.is_alive()

    release.set()
    batch.join(5)
    webhook.join(5)
    assert order == ["webhook", "batch"]



def test_writers_that_never_pause_hold_a_bulk_batch_back_only_for_a_while(tmp_path):
    """Two writers in a loop always have one of them queued: there is never a moment no one
    wants a turn, and a tick's batches must not wait for one forever."""
    db = Database(f"sqlite:///{tmp_path / 'onward.db'}", give_way=0.2)
    stop, order = threading.Event(), []

    def keep_writing():
        while not stop.is_set():
            with db.writer_turn():
                stop.wait(0.01)
    writers = [threading.Thread(target=keep_writing, daemon=True) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        batch = hold_turn(db, order, "batch", bulk=True)
        batch.join(5)
        assert order == ["batch"]
    finally:
        stop.set()
        for writer in writers:
            writer.join(5)
