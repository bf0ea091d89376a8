"""No floods: unsolicited texts to one person are limited in tiers, the rest held and
sent as one bundle by the tick; replies and confirmations never wait."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from confirmations.bundles import BUNDLE_CHARS, item_text, release_held
from confirmations.outbox import Text, queue_message, queue_messages, send_job_id
from confirmations.throttle import TIERS, allows, pass_clock
from store.models import Message, OptOut
from tests.conftest import HARBOR_NUMBER, HARBOR_TOKEN
from tests.confirmations.conftest import TENANT, run_worker

LENA = "+16175550103"
SAM = "+16175550104"
T0 = datetime.fromisoformat("2026-11-23T09:00:00-05:00")
ROOT = Path(__file__).resolve().parents[2]


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def text(body: str, purpose: str = "reminder", to: str = LENA) -> Text:
    return Text(TENANT, to, HARBOR_NUMBER, body, purpose)


def queue(runtime, *texts: Text, now: datetime) -> list[str]:
    with runtime.db.session() as session:
        return [q.status for q in queue_messages(session, list(texts), now)]


def rows(runtime, to: str = LENA) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).where(Message.to_phone == to).order_by(Message.id)))


def sent(runtime, to: str = LENA) -> list[Message]:
    """The texts that go out to the phone (held ones never do themselves)."""
    return [m for m in rows(runtime, to) if m.status == "queued"]


@pytest.mark.parametrize("released, now, ok", [
    ([], 0, True),
    ([0], 0.5, False),  # 1 a minute
    ([0], 1, True),
    ([0], 59 / 60 - 0.0001, True),  # a tick that starts a few seconds early still counts a minute on
    ([0, 1, 2, 3, 4], 5, False),  # 5 in 15 minutes
    ([0, 1, 2, 3, 4], 15, True),
    ([0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 30, 31], 32, False),  # 12 an hour
    ([0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 30, 31], 60, True),
    ([120], 0, True),  # a release on another clock, far ahead, counts for nothing here
])
def test_the_tiers(released, now, ok):
    assert allows([minutes(m) for m in released], minutes(now)) is ok


def test_the_tiers_are_one_table():
    assert [(t.limit, t.window) for t in TIERS] == [
        (1, timedelta(minutes=1)), (5, timedelta(minutes=15)), (12, timedelta(hours=1))]


def test_a_reminder_storm_is_one_text_then_one_bundle(runtime):
    storm = [text(f"Task {i}, due by 9:30 AM. Reply DONE.") for i in range(10)]
    assert queue(runtime, *storm, now=T0) == ["queued"] + ["held"] * 9
    assert release_held(runtime, minutes(0.5)) == 0  # within the minute: still held

    assert release_held(runtime, minutes(1)) == 1
    first, *held, bundle = rows(runtime)
    assert first.body == "Task 0, due by 9:30 AM. Reply DONE." and first.status == "queued"
    assert bundle.status == "queued" and bundle.purpose == "reminder"
    assert bundle.body.splitlines() == ["9 updates:"] + [f"{i}) Task {i}, due by 9:30 AM" for i in range(1, 10)]
    assert all(m.status == "bundled" and m.bundle_id == bundle.id for m in held)
    assert bundle.released_at == minutes(1)
    assert runtime.queue.job_ids == [send_job_id(first.id), send_job_id(bundle.id)]
    assert release_held(runtime, minutes(5)) == 0  # nothing left


def test_texts_wait_behind_held_ones(runtime):
    queue(runtime, text("one"), text("two"), now=T0)
    # a minute later the tiers would allow a text, but "two" waits: "three" joins the bundle
    assert queue(runtime, text("three"), now=minutes(1)) == ["held"]
    release_held(runtime, minutes(1))
    assert [m.body for m in sent(runtime)] == ["one", "2 updates:\n1) two\n2) three"]


def test_a_lone_held_text_goes_out_as_itself(runtime):
    queue(runtime, text("one"), text("two", purpose="escalation"), now=T0)
    release_held(runtime, minutes(1))
    assert [(m.body, m.purpose, m.released_at) for m in sent(runtime)] == [
        ("one", "reminder", T0), ("two", "escalation", minutes(1))]


def test_the_tiers_pace_texts_over_the_hour(runtime):
    """One text a minute, but never a sixth in 15 minutes nor a thirteenth in the hour."""
    out = []
    for minute in range(0, 61):
        now = minutes(minute)
        queue(runtime, text(f"at {minute}"), now=now)
        release_held(runtime, now)
        out.append(len(sent(runtime)))
    released = [m.released_at for m in sent(runtime)]
    assert all(allows([r for r in released if r < at], at) for at in released)
    assert out[4] == 5 and out[14] == 5 and out[15] == 6  # 5 in 15 minutes
    assert out[59] == 12 and out[60] == 13  # 12 an hour


def test_downtime_never_releases_a_burst(runtime):
    """Held texts, then hours without a tick: the next tick sends one bundle, not a pile."""
    queue(runtime, *[text(f"Item {i}. Reply {i}T to take it.", purpose="escalation") for i in range(6)],
          now=T0)
    assert release_held(runtime, minutes(180)) == 1
    texts = sent(runtime)
    assert len(texts) == 2 and texts[1].purpose == "escalation"
    assert texts[1].body.splitlines() == ["5 updates:"] + [f"{i}) Item {i}; reply {i}T" for i in range(1, 6)]
    assert release_held(runtime, minutes(181)) == 0


def test_a_big_backlog_goes_in_bundles_that_fit_one_text(runtime):
    queue(runtime, *[text(f"Task number {i} with a longer title, due by 9:30 AM: first step; "
                          f"second step; third step. Reply DONE with a photo.") for i in range(31)], now=T0)
    release_held(runtime, minutes(1))
    bundle = sent(runtime)[-1]
    assert len(bundle.body) <= BUNDLE_CHARS and bundle.body.endswith("more to follow")
    left = int(bundle.body.rsplit("+", 1)[1].split()[0])
    assert sum(1 for m in rows(runtime) if m.status == "held") == left > 0
    release_held(runtime, minutes(2))  # the next bundle, at the tiers' pace
    assert sum(1 for m in rows(runtime) if m.status == "held") < left


def test_replies_and_confirmations_never_wait(runtime):
    queue(runtime, *[text(f"r{i}") for i in range(3)], now=T0)
    statuses = queue(runtime, text("Done, thanks!", purpose="reply"),
                     text("Booked: Tue 3pm", purpose="confirmation"), now=T0)
    assert statuses == ["queued", "queued"]
    assert [m.released_at for m in rows(runtime) if m.purpose in ("reply", "confirmation")] == [None, None]


def test_each_person_has_their_own_limits(runtime):
    assert queue(runtime, text("for Lena"), text("for Sam", to=SAM), text("again Lena"),
                 now=T0) == ["queued", "queued", "held"]
    with runtime.db.session() as session:
        session.add(Message(tenant="north-nails", direction="out", to_phone=SAM, from_phone="+13125550200",
                            body="x", purpose="notice", status="queued", released_at=minutes(0.5), attempts=0))
    # Another tenant's text to the same phone doesn't count against Harbor's limit.
    assert queue(runtime, text("tomorrow", to=SAM), now=minutes(1)) == ["queued"]


def test_opt_out_still_applies(runtime):
    with runtime.db.session() as session:
        session.add(OptOut(tenant=TENANT, phone=SAM))
    assert queue(runtime, text("to Sam", to=SAM), text("again", to=SAM), now=T0) == ["failed", "failed"]
    assert [(m.error_code, m.released_at) for m in rows(runtime, SAM)] == [("21610", None)] * 2


def test_held_texts_of_a_phone_that_opts_out_are_failed_not_bundled(runtime):
    queue(runtime, text("one"), text("two"), text("three"), now=T0)
    with runtime.db.session() as session:
        session.add(OptOut(tenant=TENANT, phone=LENA))
    assert release_held(runtime, minutes(1)) == 0
    assert [(m.body, m.status) for m in rows(runtime)] == [
        ("one", "queued"), ("two", "failed"), ("three", "failed")]


def test_queue_message_is_limited_too(runtime):
    with runtime.db.session() as session:
        first = queue_message(session, tenant=TENANT, to=LENA, from_=HARBOR_NUMBER, body="Cooler 45F",
                              purpose="notice", now=T0)
        second = queue_message(session, tenant=TENANT, to=LENA, from_=HARBOR_NUMBER, body="Cooler 46F",
                               purpose="notice", now=T0)
        assert (first.status, second.status) == ("queued", "held")
    assert runtime.queue.count == 1


def test_a_scheduler_pass_lends_its_clock_to_every_text(runtime):
    with pass_clock(minutes(30)), runtime.db.session() as session:
        queue_message(session, tenant=TENANT, to=LENA, from_=HARBOR_NUMBER, body="x", purpose="finding")
    assert rows(runtime)[0].released_at == minutes(30)


def test_held_and_bundled_texts_are_visible_in_the_api(runtime, client):
    queue(runtime, text("one"), text("two"), text("three"), now=T0)
    auth = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
    held = client.get("/api/v1/messages?status=held", headers=auth).get_json()["items"]
    assert sorted(m["body"] for m in held) == ["three", "two"] and {m["bundle"] for m in held} == {None}
    release_held(runtime, minutes(1))
    items = client.get("/api/v1/messages?direction=out", headers=auth).get_json()["items"]
    bundle = next(m for m in items if m["body"].startswith("2 updates:"))
    assert sorted((m["body"], m["status"]) for m in items if m["bundle"] == bundle["id"]) == [
        ("three", "bundled"), ("two", "bundled")]


def test_a_bundle_is_sent_like_any_text(runtime, app):
    queue(runtime, text("one"), text("two"), text("three"), now=T0)
    release_held(runtime, minutes(1))
    with app.app_context():
        run_worker(runtime)
    assert [m.status for m in rows(runtime)] == ["console", "bundled", "bundled", "console"]


@pytest.mark.parametrize("body, item", [
    ("Restock shelf 2, due by 3:00 PM. Reply DONE.", "Restock shelf 2, due by 3:00 PM"),
    ("Product cooler temperature, due by 1:00 PM. Reply DONE and the reading in F (33-41).",
     "Product cooler temperature, due by 1:00 PM"),  # a range is no reply code
    ("Lena hasn't done Opening checklist, due at 9:30 AM (30m ago); no answer from Lena. Can you do "
     "it? Reply 1t to take it.",
     "Lena hasn't done Opening checklist, due at 9:30 AM (30m ago); no answer from Lena. Can you do it? Reply 1t"),
    ("Lena missed Opening checklist (due 9:30 AM). Nobody took it: Lena, Sam. Reply 3t to take it, "
     "3x and a reason to excuse it, 3r and a name to reassign it.",
     "Lena missed Opening checklist (due 9:30 AM). Nobody took it: Lena, Sam; reply 3t/3x/3r"),
    ("Moved: Haircut Mon Nov 30 at 11:00 AM (was Sat Nov 28 at 3:00 PM) for Tom (+16175550150).",
     "Moved: Haircut Mon Nov 30 at 11:00 AM (was Sat Nov 28 at 3:00 PM) for Tom (+16175550150)"),
])
def test_an_item_is_its_text_whole_with_the_reply_codes(body, item):
    assert item_text(body) == item


def test_two_ticks_at_once_send_one_bundle(env, runtime):
    """Runs against PostgreSQL when DATABASE_URL names one (CI), else the SQLite file."""
    queue(runtime, text("one"), text("two"), text("three"), now=T0)
    command = [sys.executable, "-m", "flask", "--app", "server", "tick", "--now", minutes(1).isoformat()]
    procs = [subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    with runtime.db.session() as session:
        # The first tick ever, at 09:01, also texts Lena the 09:00 opening: held, it joins the bundle.
        bundles = session.scalar(select(func.count()).where(Message.body.like("3 updates:%")))
        bundled = session.scalar(select(func.count()).where(Message.status == "bundled"))
    assert (bundles, bundled) == (1, 3), outputs
