"""The owner's weekly digest: on the tenant's day and time, once a week, never late in a pile."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from recurring.digest import due_week, send_digests
from recurring.scheduler import tick
from store.models import DigestSent, Finding, Message, Run

DANA, AVA = "+16175550101", "+13125550201"
HARBOR = "harbor-barbers"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def digests(runtime) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).where(Message.purpose == "digest").order_by(Message.id)))


@pytest.mark.parametrize("now, week", [
    ("2026-11-23T07:59:00-05:00", None),  # Monday, before 08:00 New York: last week's is 7 days old
    ("2026-11-23T08:00:00-05:00", date(2026, 11, 23)),
    ("2026-11-23T20:00:00-05:00", date(2026, 11, 23)),  # late the same day: still sent
    ("2026-11-24T08:00:00-05:00", date(2026, 11, 23)),  # a day late at most
    ("2026-11-24T08:01:00-05:00", None),  # more than a day late: skipped
    ("2026-11-29T12:00:00-05:00", None),  # Sunday
    ("2026-11-23T13:00:00+00:00", date(2026, 11, 23)),  # 08:00 in New York, given in UTC
])
def test_the_digest_is_due_on_its_local_day_and_time_for_a_day(runtime, now, week):
    assert due_week(runtime.tenants.get(HARBOR), at(now)) == week


def test_monday_at_eight_the_owner_gets_one_digest(runtime):
    assert tick(runtime, at("2026-11-23T07:59:00-05:00")).digests_sent == 0
    result = tick(runtime, at("2026-11-23T08:00:00-05:00"))
    assert result.digests_sent == 1 and "1 digests sent" in result.describe()
    assert tick(runtime, at("2026-11-23T08:01:00-05:00")).digests_sent == 0
    assert tick(runtime, at("2026-11-23T08:30:00-05:00")).digests_sent == 0
    (text,) = digests(runtime)
    assert (text.to_phone, text.from_phone, text.status) == (DANA, "+16175550100", "queued")
    assert text.body == ("Your week: no runs were due. No open findings. "
                         "Text TODAY any time for what's open now.")


def test_each_tenant_on_its_own_clock(runtime):
    tick(runtime, at("2026-11-23T08:00:00-05:00"))
    assert [m.to_phone for m in digests(runtime)] == [DANA]
    tick(runtime, at("2026-11-23T09:00:00-05:00"))  # 08:00 in Chicago: North End Nails' owner
    assert [m.to_phone for m in digests(runtime)] == [DANA, AVA]
    assert [m.tenant for m in digests(runtime)] == [HARBOR, "north-nails"]


def test_the_digest_counts_the_last_seven_days(runtime):
    harbor = runtime.tenants.get(HARBOR)
    week_start = at("2026-11-16T08:00:00-05:00")

    def run(task: str, days: float, state: str, flags=()):
        slot = week_start + timedelta(days=days)
        return Run(tenant=HARBOR, task=task, title=harbor.task(task).title, slot=slot, due_at=slot,
                   state=state, assignee="sam", flags=list(flags))

    with runtime.db.session() as session:
        session.add_all([run("cooler", d + 0.2, "done") for d in range(5)])
        session.add_all([run("opening", 1.1, "done"), run("cooler", 5.2, "late"),
                         run("cooler", 6.2, "missed"), run("jars", 3.1, "missed"),
                         run("opening", 2.1, "missed", ["stale"]),  # downtime: nobody's miss
                         run("opening", 3.1, "excused"), run("opening", 4.1, "open"),
                         run("cooler", -0.5, "missed"), run("cooler", 7.2, "missed")])  # other weeks
        session.add(Finding(tenant=HARBOR, task="cooler", kind="repeated", summary="s", runs=[],
                            open_key="task:cooler", created_at=week_start))
    tick(runtime, at("2026-11-23T08:00:00-05:00"))
    (text,) = digests(runtime)
    assert text.body == ("Your week: 6 of 9 runs on time (67%), 1 late, 2 missed. Most missed: "
                         "Change the disinfectant jars (1), Product cooler temperature (1). "
                         "1 open finding: text FINDINGS to see it.")
    assert len(text.body) <= 320


def test_two_ticks_at_once_send_one_digest(runtime):
    now = at("2026-11-23T08:00:00-05:00")
    results = []
    threads = [threading.Thread(target=lambda: results.append(tick(runtime, now))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.digests_sent for r in results) == [0, 1]
    assert len(digests(runtime)) == 1


def test_a_digest_claimed_by_another_pass_is_not_sent_again(runtime):
    with runtime.db.session() as session:
        session.add(DigestSent(tenant=HARBOR, week=date(2026, 11, 23), sent_at=at("2026-11-23T08:00:00-05:00")))
    assert send_digests(runtime, at("2026-11-23T08:00:30-05:00")) == 0
    assert digests(runtime) == []


def test_after_more_than_a_day_of_downtime_the_digest_is_skipped_until_next_week(runtime):
    assert tick(runtime, at("2026-11-24T09:01:00-05:00")).digests_sent == 0  # both tenants over a day late
    assert tick(runtime, at("2026-11-27T12:00:00-05:00")).digests_sent == 0
    assert digests(runtime) == []
    assert tick(runtime, at("2026-11-30T08:00:00-05:00")).digests_sent == 1
    assert len(digests(runtime)) == 1


def test_after_a_shorter_downtime_it_goes_once_the_scheduler_is_back(runtime):
    assert tick(runtime, at("2026-11-23T20:00:00-05:00")).digests_sent == 2  # both tenants' Monday digests
    assert tick(runtime, at("2026-11-24T07:00:00-05:00")).digests_sent == 0
    assert [m.to_phone for m in digests(runtime)] == [DANA, AVA]


def test_the_day_and_time_come_from_the_tenant_file(runtime):
    harbor = runtime.tenants.get(HARBOR)
    runtime.tenants.tenants[HARBOR] = harbor.model_copy(
        update={"digest": harbor.digest.model_copy(update={"day": "fri", "time": at("2026-01-01T17:30").time()})})
    assert tick(runtime, at("2026-11-23T08:00:00-05:00")).digests_sent == 0
    assert tick(runtime, at("2026-11-27T17:29:00-05:00")).digests_sent == 0
    assert tick(runtime, at("2026-11-27T17:30:00-05:00")).digests_sent == 1
    assert [m.to_phone for m in digests(runtime)] == [DANA]
