"""The console's sign-in rules: a code texted through the outbox, 10 minutes to use it,
5 wrong tries lock the number, no answer tells whether a number is known, every form
needs its CSRF token, and another tenant's ids answer 404."""
from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import func, select, text

from console.access import COOKIE
from store.models import ConsoleCode, ConsoleSession, Message, Run
from tests.console.conftest import AVA, DANA, LENA, SAM, ConsoleClient, texted_code

UNKNOWN = "+16175550199"
TOKEN = re.compile(r"[\w-]{20,}\.[\w-]+\.[\w-]{20,}")


def outbox_count(runtime, phone: str) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message).where(Message.to_phone == phone))


def add_run(runtime, tenant: str, assignee: str, title: str, now) -> int:
    with runtime.db.session() as session:
        run = Run(tenant=tenant, task=title.lower().replace(" ", "-"), title=title, slot=now, due_at=now + timedelta(hours=1),
                  assignee=assignee)
        session.add(run)
        session.flush()
        return run.id


def test_the_texted_code_signs_in_for_12_hours_with_a_safe_cookie(console_client, runtime, clock):
    console_client.ask_code("(617) 555-0101")
    with runtime.db.session() as session:
        text = session.scalar(select(Message).where(Message.to_phone == DANA))
    assert (text.purpose, text.from_phone, text.status) == ("notice", "+16175550100", "queued")

    answer = console_client.enter_code(DANA, texted_code(runtime, DANA))

    assert answer.status_code == 302 and answer.location.endswith("/console/")
    cookie = answer.headers["Set-Cookie"]
    for part in ("HttpOnly", "SameSite=Lax", "Secure", "Max-Age=43200", "Path=/console"):
        assert part in cookie
    assert "Dana Reyes" in console_client.get("/console/").text
    clock.move(hours=12)
    assert console_client.get("/console/").location.endswith("/console/login")


def test_codes_are_stored_hashed(console_client, runtime, clock):
    console_client.ask_code(DANA)
    code = texted_code(runtime, DANA)
    with runtime.db.session() as session:
        row = session.scalar(select(ConsoleCode).where(ConsoleCode.phone == DANA))
    assert code not in row.code_hash and len(row.code_hash) == 64


def test_a_code_expires_after_10_minutes(console_client, runtime, clock):
    console_client.ask_code(DANA)
    code = texted_code(runtime, DANA)
    clock.move(minutes=10)

    answer = console_client.enter_code(DANA, code)

    assert answer.status_code == 400 and "expired" in answer.text
    assert console_client.get("/console/").status_code == 302


def test_a_code_signs_in_once(console_client, another_console_client, runtime, clock):
    console_client.sign_in(DANA)
    answer = another_console_client.enter_code(DANA, texted_code(runtime, DANA))
    assert answer.status_code == 400


def test_five_wrong_codes_lock_the_number_for_15_minutes(console_client, runtime, clock):
    console_client.ask_code(DANA)
    code = texted_code(runtime, DANA)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [console_client.enter_code(DANA, wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]

    assert console_client.enter_code(DANA, code).status_code == 429  # the right code too, while locked
    clock.move(minutes=1)
    console_client.ask_code(DANA)
    assert texted_code(runtime, DANA) == code  # no new text while locked
    clock.move(minutes=14, seconds=1)
    console_client.ask_code(DANA)
    assert console_client.enter_code(DANA, texted_code(runtime, DANA)).status_code == 302


def test_asking_again_at_once_sends_no_second_text(console_client, runtime, clock):
    console_client.ask_code(DANA)
    console_client.ask_code(DANA)
    assert outbox_count(runtime, DANA) == 1
    clock.move(seconds=30)
    console_client.ask_code(DANA)
    assert outbox_count(runtime, DANA) == 2


def test_an_unknown_number_gets_the_same_answers_and_no_text(console_client, runtime, clock):
    def answers(phone: str) -> list[tuple[int, str]]:
        pages = [console_client.ask_code(phone)] + [console_client.enter_code(phone, "000000") for _ in range(5)]
        # The CSRF token is signed with the time: the one part that may differ, and not the number's doing.
        return [(page.status_code, TOKEN.sub("TOKEN", page.text.replace(phone, "PHONE"))) for page in pages]

    known, unknown = answers(DANA), answers(UNKNOWN)

    assert texted_code(runtime, DANA) != "000000"  # (else the known number signs in on the first try)
    assert known == unknown
    assert outbox_count(runtime, UNKNOWN) == 0
    assert "locked" in unknown[-1][1]


def test_a_number_that_does_not_parse_is_asked_again(console_client, runtime, clock):
    answer = console_client.ask_code("call me")
    assert answer.status_code == 400 and "area code" in answer.text
    answer = console_client.enter_code(DANA, "12ab56")
    assert answer.status_code == 400 and "6 digits" in answer.text


def test_forms_without_the_csrf_token_are_refused(console_client, runtime, clock):
    answer = console_client.post("/console/login", {"phone": DANA}, csrf=False)
    assert answer.status_code == 400 and "CSRF" in answer.text
    assert outbox_count(runtime, DANA) == 0

    console_client.sign_in(DANA)
    assert console_client.post("/console/logout", csrf=False).status_code == 400
    assert console_client.get("/console/").status_code == 200  # still signed in


def test_the_twilio_webhooks_and_the_api_need_no_csrf_token(client):
    assert client.post("/twilio/sms", data={"From": DANA}).status_code == 403  # the signature check answers
    assert client.post("/api/v1/interactions", json={}).status_code == 401  # the bearer token check answers


def test_signing_out_ends_the_session_on_the_server(console_client, app, runtime, clock):
    console_client.sign_in(DANA)
    cookie = console_client.client.get_cookie(COOKIE, path="/console").value

    signed_out = console_client.post("/console/logout")

    assert "signed out" in signed_out.text
    with runtime.db.session() as session:
        assert session.scalar(select(ConsoleSession.ended_at)) == clock.now
    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie, path="/console")
    assert replay.get("/console/").location.endswith("/console/login")


def test_another_tenants_run_answers_404(console_client, runtime, clock):
    harbor_run = add_run(runtime, "harbor-barbers", "lena", "Open the shop", clock.now)
    north_run = add_run(runtime, "north-nails", "bo", "Clean the stations", clock.now)
    console_client.sign_in(AVA)

    assert console_client.get(f"/console/runs/{north_run}").status_code == 200
    assert console_client.get(f"/console/runs/{harbor_run}").status_code == 404
    assert console_client.get("/console/runs/99999").status_code == 404
    assert console_client.get(f"/console/runs/{2**40}").status_code == 404
    assert "Open the shop" not in console_client.get("/console/").text
    assert "Clean the stations" in console_client.get("/console/").text


def test_staff_see_only_their_own_runs(console_client, runtime, clock):
    lenas = add_run(runtime, "harbor-barbers", "lena", "Open the shop", clock.now)
    sams = add_run(runtime, "harbor-barbers", "sam", "Sweep the floor", clock.now)
    console_client.sign_in(LENA)

    today = console_client.get("/console/").text
    assert "Open the shop" in today and "Sweep the floor" not in today
    assert console_client.get(f"/console/runs/{lenas}").status_code == 200
    assert console_client.get(f"/console/runs/{sams}").status_code == 404


def test_pages_need_a_sign_in(client):
    assert client.get("/console/").location.endswith("/console/login")
    answer = client.get("/console/", headers={"HX-Request": "true"})
    assert answer.status_code == 401 and answer.headers["HX-Redirect"] == "/console/login"


@contextmanager
def codes_held(runtime, waiting: int):
    """Runs calls on threads while (on PostgreSQL) this test holds console_codes locked, and
    lets go once `waiting` transactions wait on it, so they all go on at the same moment
    (SQLite writers take turns whatever happens); yields the function that runs them."""
    postgres = runtime.db.engine.dialect.name == "postgresql"
    with runtime.db.engine.connect() as holder:
        if postgres:
            holder.execute(text("LOCK TABLE console_codes IN EXCLUSIVE MODE"))  # reads pass, writes wait

        def start(calls):
            answers: dict[int, object] = {}
            threads = [threading.Thread(target=lambda i=i, call=call: answers.update({i: call()}))
                       for i, call in enumerate(calls)]
            for thread in threads:
                thread.start()
            if postgres:
                wait_for_lock_waiters(runtime, waiting)
                holder.rollback()
            for thread in threads:
                thread.join(10)
            return [answers.get(i) for i in range(len(calls))]
        yield start


def wait_for_lock_waiters(runtime, count: int) -> None:
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                 "AND datname = current_database()")
    deadline = time.monotonic() + 10
    with runtime.db.engine.connect() as watcher:
        while watcher.execute(query).scalar() < count:
            assert time.monotonic() < deadline, "the code requests never reached console_codes"
            watcher.rollback()
            time.sleep(0.01)


def test_two_first_code_requests_at_once_text_one_code(app, runtime, clock):
    clients = [ConsoleClient(app, runtime), ConsoleClient(app, runtime)]

    with codes_held(runtime, waiting=2) as start:
        answers = start([lambda c=c: c.ask_code(DANA) for c in clients])

    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("Enter your code" in answer.text for answer in answers)
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ConsoleCode)) == 1
    assert outbox_count(runtime, DANA) == 1
    assert clients[0].enter_code(DANA, texted_code(runtime, DANA)).status_code == 302

