"""store.bulk.insert_rows: many rows in a few statements, read back as the ORM reads them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from store.bulk import SQLITE_PAGE_ROWS, insert_rows
from store.models import Message, Run

SLOT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
KEY = ("tenant", "task", "slot")


def run_row(task: str, slot: datetime = SLOT, **fields) -> dict:
    return {"tenant": "harbor-barbers", "task": task, "title": task.title(), "slot": slot,
            "due_at": slot + timedelta(minutes=30), "state": "open", "assignee": "lena",
            "escalation_level": 0, "chain": None, "flags": [], **fields}


def test_rows_go_in_and_read_back_as_the_orm_wrote_them(runtime):
    eastern = timezone(timedelta(hours=-5))
    rows = [run_row("a", flags=["stale"], chain=[{"notify": "owner"}]),
            run_row("b", slot=SLOT.astimezone(eastern) + timedelta(days=1))]
    with runtime.db.session() as session:
        created = insert_rows(session, Run.__table__, rows, skip_conflicts_on=KEY, returning=KEY)
    assert sorted(created) == [("harbor-barbers", "a", SLOT), ("harbor-barbers", "b", SLOT + timedelta(days=1))]
    with runtime.db.session() as session:
        a, b = session.scalars(select(Run).order_by(Run.task)).all()
        assert (a.flags, a.chain, a.slot, b.flags, b.chain) == (["stale"], [{"notify": "owner"}], SLOT, [], None)
        assert b.slot.tzinfo is not None and b.created_at is not None  # a column's Python default


def test_rows_that_clash_are_skipped_and_not_returned(runtime):
    with runtime.db.session() as session:
        session.add(Run(**run_row("a")))
    with runtime.db.session() as session:
        created = insert_rows(session, Run.__table__, [run_row("a"), run_row("b")],
                              skip_conflicts_on=KEY, returning=("task",))
    assert created == [("b",)]


def test_one_row_and_rows_all_alike(runtime):
    with runtime.db.session() as session:
        assert insert_rows(session, Run.__table__, [run_row("a")], returning=("task",)) == [("a",)]
        assert insert_rows(session, Run.__table__, [], returning=("task",)) == []
        texts = [{"tenant": "harbor-barbers", "direction": "out", "to_phone": "+16175550103",
                  "from_phone": "+16175550100", "body": "same", "media": [], "purpose": "reminder",
                  "status": "held", "attempts": 0}] * 3
        assert len(insert_rows(session, Message.__table__, texts, returning=("id",))) == 3


def test_more_rows_than_one_statement_holds(runtime):
    rows = [run_row(f"t{i}") for i in range(SQLITE_PAGE_ROWS * 2 + 1)]
    with runtime.db.session() as session:
        created = insert_rows(session, Run.__table__, rows, skip_conflicts_on=KEY, returning=("task",))
    assert len(created) == len(rows)
    with runtime.db.session() as session:
        again = insert_rows(session, Run.__table__, rows, skip_conflicts_on=KEY, returning=("task",))
    assert again == []
