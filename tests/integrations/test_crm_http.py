"""The generic HTTP CRM: a booking's contact written to a local contacts API, retried by
jobs while it fails, the operator told when it keeps failing; the booking never lost."""
from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from config.schema import HttpCrm as HttpCrmConfig
from integrations.crm import ContactChange
from integrations.crm.http import HttpCrm, dig, fill
from integrations.errors import PermanentError, TemporaryError
from recurring.scheduler import tick
from store.models import Booking, Customer
from tests.fakes.crm_api import Fail, Hang
from tests.integrations.sync_fixtures import CRM_TOKEN as TOKEN
from tests.integrations.sync_fixtures import (CUSTOMER, OPERATOR, book, change, crm, jobs_of, later,  # noqa: F401
                                              make_app, run_worker, texts_to)


def crm_yaml(url: str, timeout: str = "2s") -> str:
    return f"""
  calendar: builtin
  crm:
    http:
      method: POST
      url: {url}/contacts
      headers: {{Authorization: "env:CRM_AUTH"}}
      body:
        phone: "{{customer.phone}}"
        name: "{{customer.name}}"
        onward_booking: "{{booking.id}}"
        note: "{{booking.service_name}} at {{booking.start}} ({{booking.state}})"
      id_field: data.id
      timeout: {timeout}
  payments: none
"""


@pytest.fixture
def runtime(make_app, crm):
    app = make_app(crm_yaml(crm.url), CRM_AUTH=f"Bearer {TOKEN}")
    with app.app_context():
        yield app.extensions["onward"]


def external_id(runtime) -> str | None:
    with runtime.db.session() as session:
        return session.scalar(select(Customer.external_id).where(Customer.phone == CUSTOMER))


def test_a_crm_that_fails_twice_then_succeeds_gets_the_contact_and_the_booking_stays(runtime, crm):
    crm.script(Fail(500), Fail(503))
    booking_id = book(runtime)

    run_worker(runtime)  # attempt 1: 500
    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("pending", 1)
    assert "HTTP 500" in job.last_error
    tick(runtime, later(0.5))
    run_worker(runtime)
    assert len(crm.requests) == 1  # not due yet: the first backoff is a minute

    tick(runtime, later(2))
    run_worker(runtime)  # attempt 2: 503
    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("pending", 2)

    tick(runtime, later(10))
    run_worker(runtime)  # attempt 3: accepted
    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts, job.last_error) == ("done", 3, None)
    assert external_id(runtime) == "ct_0001" == job.result["external_id"]
    assert [r.answered for r in crm.requests] == [500, 503, 200]
    keys = {r.headers["idempotency-key"] for r in crm.requests}
    assert keys == {job.idempotency_key} and str(booking_id) in job.idempotency_key
    body = crm.requests[-1].body
    assert body["phone"] == CUSTOMER and body["name"] == "Ana Lima" and body["onward_booking"] == booking_id
    assert body["note"] == "Haircut at 2026-11-24T14:00:00-05:00 (confirmed)"
    assert crm.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"
    with runtime.db.session() as session:
        assert session.get(Booking, booking_id).state == "confirmed"
    assert texts_to(runtime, OPERATOR, "notice") == []

    tick(runtime, later(120))
    run_worker(runtime)
    assert len(crm.requests) == 3  # done stays done


def test_a_crm_that_refuses_the_request_fails_at_once_and_the_operator_is_told_once(runtime, crm):
    crm.script(Fail(400, '{"error": "phone is not allowed"}'))
    booking_id = book(runtime)
    run_worker(runtime)

    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("failed", 1)
    assert "HTTP 400" in job.last_error and "phone is not allowed" in job.last_error
    [notice] = texts_to(runtime, OPERATOR, "notice")
    assert f"booking #{booking_id}" in notice.body and "CRM" in notice.body and len(notice.body) <= 320
    assert external_id(runtime) is None
    with runtime.db.session() as session:
        assert session.get(Booking, booking_id).state == "confirmed"

    tick(runtime, later(120))
    run_worker(runtime)
    assert len(crm.requests) == 1 and len(texts_to(runtime, OPERATOR, "notice")) == 1


def test_a_crm_that_keeps_failing_is_given_up_after_five_tries_and_the_operator_told_once(runtime, crm):
    crm.script(*[Fail(502)] * 6)
    booking_id = book(runtime)
    run_worker(runtime)
    for minutes in (2, 10, 30, 120, 300, 600):
        tick(runtime, later(minutes))
        run_worker(runtime)

    [job] = jobs_of(runtime, booking_id)
    assert (job.state, job.attempts) == ("failed", 5)
    assert len(crm.requests) == 5
    [notice] = texts_to(runtime, OPERATOR, "notice")
    assert "5 tries" in notice.body


def test_a_crm_that_hangs_times_out_and_is_tried_again(make_app, crm):
    app = make_app(crm_yaml(crm.url, timeout="1s"), CRM_AUTH=f"Bearer {TOKEN}")
    runtime = app.extensions["onward"]
    crm.script(Hang())
    with app.app_context():
        booking_id = book(runtime)
        run_worker(runtime)
        [job] = jobs_of(runtime, booking_id)
        assert (job.state, job.attempts) == ("pending", 1) and "Timeout" in job.last_error
        tick(runtime, later(2))
        run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "done" and external_id(runtime) == "ct_0001"


def test_a_wrong_crm_secret_is_permanent(make_app, crm):
    app = make_app(crm_yaml(crm.url), CRM_AUTH="Bearer wrong")
    runtime = app.extensions["onward"]
    with app.app_context():
        booking_id = book(runtime)
        run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "failed" and "HTTP 401" in job.last_error
    assert len(texts_to(runtime, OPERATOR, "notice")) == 1


def test_each_change_is_its_own_write_with_its_own_key(runtime, crm):
    booking_id = book(runtime)
    change(runtime, booking_id, "booked")  # the same change again writes nothing new
    change(runtime, booking_id, "rescheduled", start=datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc),
           end=datetime(2026, 11, 25, 15, 30, tzinfo=timezone.utc))
    change(runtime, booking_id, "rescheduled", start=datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc),
           end=datetime(2026, 11, 26, 15, 30, tzinfo=timezone.utc))
    run_worker(runtime)
    change(runtime, booking_id, "cancelled", state="cancelled")
    run_worker(runtime)

    jobs = jobs_of(runtime, booking_id)
    assert [j.change for j in jobs] == ["booked", "rescheduled", "rescheduled", "cancelled"]
    assert all(j.state == "done" for j in jobs)
    assert len({j.idempotency_key for j in jobs}) == 4
    assert crm.requests[-1].body["note"].endswith("(cancelled)")
    assert len(crm.contacts) == 1  # one contact, upserted


def test_jobs_never_enqueued_are_put_on_the_queue_by_the_tick(runtime, crm):
    booking_id = book(runtime)
    runtime.queue.empty()  # as if Redis had lost the job the commit enqueued

    tick(runtime, later(0))
    run_worker(runtime)
    [job] = jobs_of(runtime, booking_id)
    assert job.state == "done" and len(crm.requests) == 1


def test_a_tenant_with_the_builtin_crm_queues_no_outside_write(make_app):
    app = make_app("  calendar: builtin\n  crm: builtin\n  payments: none\n")
    runtime = app.extensions["onward"]
    booking_id = book(runtime, service="color")
    assert jobs_of(runtime, booking_id) == []


def test_the_same_key_twice_makes_one_contact(crm):
    adapter = HttpCrm(HttpCrmConfig(url=crm.url + "/contacts", headers={"Authorization": f"Bearer {TOKEN}"},
                                    body={"phone": "{customer.phone}"}, id_field="data.id"))
    first = adapter.upsert_contact(contact(), idempotency_key="k-1")
    again = adapter.upsert_contact(contact(), idempotency_key="k-1")
    assert first == again and len(crm.contacts) == 1


@pytest.mark.parametrize("answer, error", [
    (Fail(500), TemporaryError), (Fail(429), TemporaryError), (Fail(408), TemporaryError),
    (Fail(400), PermanentError), (Fail(404), PermanentError), (Fail(422), PermanentError),
    (Fail(200, "not json"), PermanentError), (Fail(200, '{"data": {}}'), PermanentError),
    (Fail(302), PermanentError),
])
def test_answers_are_translated(crm, answer, error):
    crm.script(answer)
    adapter = HttpCrm(HttpCrmConfig(url=crm.url + "/contacts", body={"phone": "{customer.phone}"},
                                    id_field="data.id"))
    with pytest.raises(error):
        adapter.upsert_contact(contact(), idempotency_key="k")


def test_a_refused_connection_is_temporary():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = HttpCrm(HttpCrmConfig(url=f"http://127.0.0.1:{port}/contacts", body={"phone": "{customer.phone}"}))
    with pytest.raises(TemporaryError, match="unreachable"):
        adapter.upsert_contact(contact(), idempotency_key="k")


@pytest.mark.parametrize("template, expected", [
    ("{booking.id}", 7),
    ("#{booking.id}", "#7"),
    ("{customer.name}", None),
    ("Hi {customer.name}!", "Hi !"),
    ({"a": ["{booking.price}", 3, True]}, {"a": ["120.00", 3, True]}),
    ("{{not a placeholder", "{{not a placeholder"),
])
def test_templates_fill_in_values(template, expected):
    assert fill(template, contact(name=None).fields()) == expected


def test_url_placeholders_are_quoted(crm):
    adapter = HttpCrm(HttpCrmConfig(method="PUT", url=crm.url + "/contacts/{customer.phone}",
                                    headers={"Authorization": f"Bearer {TOKEN}"}, body={"phone": "{customer.phone}"}))
    adapter.upsert_contact(contact(), idempotency_key="k")
    assert crm.requests[0].path == "/contacts/%2B16175550199" and crm.requests[0].method == "PUT"


@pytest.mark.parametrize("data, path, expected", [
    ({"data": {"id": 5}}, "data.id", 5), ({"items": [{"id": "x"}]}, "items.0.id", "x"),
    ({"data": None}, "data.id", None), ([], "id", None),
])
def test_dig_reads_dotted_paths(data, path, expected):
    assert dig(data, path) == expected


def contact(name: str | None = "Ana Lima") -> ContactChange:
    start = datetime(2026, 11, 24, 14, 0, tzinfo=timezone(timedelta(hours=-5)))
    return ContactChange(
        tenant_id="harbor-barbers", tenant_name="Harbor Street Barbers", customer_id=1,
        customer_phone=CUSTOMER, customer_name=name, customer_external_id=None, booking_id=7,
        service="color", service_name="Color", start=start, end=start + timedelta(minutes=90),
        state="held", change="booked", price=Decimal(120), deposit=Decimal(30))
