"""A booking's life beyond plain texts: deposits paid through a payments provider, calls,
and the tick's reminders when two ticks run at once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from agents.booking.lifecycle import confirm_paid_booking
from agents.booking.upkeep import tend_bookings
from agents.context import Interaction
from conversation.intake import take_in
from store.models import IntegrationJob
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, MARCO, bookings_of, local, texts_to
from tests.conftest import HARBOR_NUMBER, HARBOR_TOKEN
from tests.integrations.sync_fixtures import make_app  # noqa: F401 - a fixture

STRIPE = """\
  calendar: builtin
  crm: builtin
  payments:
    stripe:
      secret_key: env:STRIPE_SECRET_KEY
      webhook_secret: env:STRIPE_WEBHOOK_SECRET
      pay_within: 45m
"""
KEYS = {"STRIPE_SECRET_KEY": "sk_test_onward", "STRIPE_WEBHOOK_SECRET": "whsec_onward"}
AUTH = {"Authorization": f"Bearer {HARBOR_TOKEN}"}


@pytest.fixture
def shop(make_app, clock):  # noqa: F811
    """Harbor Street Barbers taking deposits through Stripe; say(phone, text) -> reply."""
    app = make_app(STRIPE, **KEYS)
    client = app.test_client()

    def say(phone: str, text: str) -> str:
        response = client.post("/api/v1/interactions", json={"from": phone, "text": text}, headers=AUTH)
        assert response.status_code == 200
        return " ".join(response.get_json()["replies"])

    return app.extensions["onward"], say


def deposit_jobs(runtime) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        return list(session.execute(select(IntegrationJob.kind, IntegrationJob.change).order_by(IntegrationJob.id)))


def paid(runtime, booking_id, now):
    with runtime.db.session() as session:
        booking = confirm_paid_booking(session, runtime.tenants.get("harbor-barbers"), booking_id, now)
        return booking.state


def test_a_deposit_holds_the_booking_until_it_is_paid(shop, clock):
    runtime, say = shop
    say(AMY, "this is Amy, color friday at 10am")
    assert say(AMY, "yes") == ("Almost done: Color, Fri Nov 27 at 10:00 AM, $120. Pay the $30 deposit with "
                               "the link we're texting you to confirm it.")
    [booking] = bookings_of(runtime, AMY)
    assert booking.state == "held" and booking.hold_expires_at == clock.now + timedelta(minutes=45)
    assert deposit_jobs(runtime) == [("payments.request_deposit", "booked")]
    assert texts_to(runtime, MARCO, "notice") == []  # not booked until paid

    assert paid(runtime, booking.id, clock.now + timedelta(minutes=5)) == "confirmed"
    assert paid(runtime, booking.id, clock.now + timedelta(minutes=6)) == "confirmed"  # a redelivery
    [confirmation] = texts_to(runtime, AMY, "confirmation")
    assert confirmation.startswith("You're booked: Color, Fri Nov 27 at 10:00 AM, $120. Deposit $30")
    assert texts_to(runtime, MARCO, "notice") == ["New booking (deposit paid): Color Fri Nov 27 at 10:00 AM "
                                                  "for Amy (+16175557001)."]
    assert bookings_of(runtime, AMY)[0].remind_at == local(26, 10)


def test_an_unpaid_deposit_releases_the_time(shop, clock):
    runtime, say = shop
    say(AMY, "color friday at 10am")
    say(AMY, "yes")
    assert tend_bookings(runtime, clock.now + timedelta(minutes=44)).released == 0
    assert tend_bookings(runtime, clock.now + timedelta(minutes=46)).released == 1
    [booking] = bookings_of(runtime, AMY)
    assert (booking.state, booking.cancel_reason) == ("cancelled", "deposit_unpaid")
    assert texts_to(runtime, AMY, "confirmation") == [
        "The deposit for your Color on Fri Nov 27 at 10:00 AM wasn't paid in time, so the time has been "
        "released. Text us to book again."]
    assert deposit_jobs(runtime)[-1] == ("payments.request_deposit", "booked")  # no CRM: nothing else to sync


def test_a_late_payment_confirms_when_the_time_is_still_free(shop, clock):
    runtime, say = shop
    say(AMY, "color friday at 10am")
    say(AMY, "yes")
    tend_bookings(runtime, clock.now + timedelta(hours=1))
    assert paid(runtime, bookings_of(runtime, AMY)[0].id, clock.now + timedelta(hours=2)) == "confirmed"


def test_a_late_payment_for_a_time_taken_since_goes_to_the_operator(shop, clock):
    runtime, say = shop
    say(AMY, "color friday at 10am")
    say(AMY, "yes")
    clock.advance(hours=1)
    tend_bookings(runtime, clock.now)
    for phone in (BEN, "+16175557009"):
        say(phone, "haircut friday at 10am")
        say(phone, "yes")
    booking_id = bookings_of(runtime, AMY)[0].id
    assert paid(runtime, booking_id, clock.now) == "cancelled"
    assert texts_to(runtime, MARCO, "notice")[-1].startswith(f"Deposit paid for booking {booking_id} (+16175557001)")


# -- calls -------------------------------------------------------------------------------------

def call(runtime, clock, said: str, step: int, phone: str = AMY) -> str:
    tenant = runtime.tenants.get("harbor-barbers")
    interaction = Interaction(channel="voice", provider_key=f"voice:CA{phone}:{step}", from_phone=phone,
                              to_phone=HARBOR_NUMBER, text=said, received_at=clock.now, call_step=step)
    return take_in(runtime, tenant, interaction, lambda ctx: " ".join(ctx.replies))


def test_a_booking_by_phone_is_confirmed_by_text(runtime, clock):
    assert call(runtime, clock, "I'd like a haircut tomorrow at 3", 1) == (
        "Haircut, Tuesday November 24 at 3:00 PM, $35. Say YES to book.")
    spoken = call(runtime, clock, "yes please", 2)
    assert spoken.startswith("You're booked: Haircut, Tuesday November 24 at 3:00 PM, $35.")
    assert "call or text us at least 12 hours before" in spoken and spoken.endswith("And what's your name?")
    [text] = texts_to(runtime, AMY, "confirmation")
    assert text.startswith("You're booked: Haircut, Tue Nov 24 at 3:00 PM, $35. Reply X to cancel")
    assert len(texts_to(runtime, MARCO, "notice")) == 1


def test_a_cancellation_by_phone_is_confirmed_by_text(runtime, clock):
    call(runtime, clock, "haircut tomorrow at 3", 1)
    call(runtime, clock, "yes", 2)
    assert call(runtime, clock, "I need to cancel my appointment", 3).startswith("Your Haircut on Tuesday")
    assert texts_to(runtime, AMY, "confirmation")[-1] == (
        "Your Haircut on Tue Nov 24 at 3:00 PM is cancelled. Text us any time to book again.")


# -- the tick, twice at once --------------------------------------------------------------------

def test_two_ticks_at_once_text_one_reminder(text, runtime, clock):
    text(AMY, "haircut wednesday at 3pm")
    text(AMY, "yes")
    barrier, counts = threading.Barrier(2), []

    def run():
        barrier.wait()
        counts.append(tend_bookings(runtime, local(24, 15, 30)).reminded)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(counts) == [0, 1]
    assert len(texts_to(runtime, AMY, "reminder")) == 1


def test_a_reminder_after_the_start_is_not_sent(text, runtime):
    text(AMY, "haircut wednesday at 3pm")
    text(AMY, "yes")
    assert tend_bookings(runtime, local(25, 15, 1)).reminded == 0  # the tick was down all day
    assert texts_to(runtime, AMY, "reminder") == []
