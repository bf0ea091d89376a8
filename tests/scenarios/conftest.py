"""What the scenarios share: the demo tenant's task titles, and a run opened for someone."""
from __future__ import annotations

from datetime import timedelta

import pytest

from store.db import utcnow
from store.models import Run

TITLES = {"opening": "Opening checklist", "jars": "Change the disinfectant jars",
          "cooler": "Product cooler temperature", "cash": "Closing cash count",
          "handoff-note": "End-of-day note for the morning shift"}


@pytest.fixture
def open_run(runtime):
    """Opens a run of a Harbor Street Barbers task for someone, due `due` from now
    (negative: already overdue); returns its id."""

    def add(task: str, assignee: str, due: timedelta = timedelta(minutes=30),
            slot_before_due: timedelta = timedelta(minutes=30)) -> int:
        due_at = utcnow().replace(microsecond=0) + due
        with runtime.db.session() as session:
            run = Run(tenant="harbor-barbers", task=task, title=TITLES[task], slot=due_at - slot_before_due,
                      due_at=due_at, state="open", assignee=assignee, flags=[])
            session.add(run)
            session.commit()
            return run.id
    return add
