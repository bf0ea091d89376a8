"""What reaches the operator, and when: hand-offs someone is waiting on ("talk to a
person", a cancellation) go at once whatever the per-person limit says; routine notices
(new bookings, moves) may wait and go out as one bundle that says what changed, in full."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from confirmations.bundles import release_held
from store.db import utcnow
from store.models import Message
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY, BEN, CARA, MARCO


def notices(runtime) -> list[Message]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Message).where(Message.to_phone == MARCO, Message.purpose == "notice")
                                    .order_by(Message.id)))


def book(text, phone: str, name: str, when: str) -> None:
    text(phone, f"this is {name}, haircut {when}")
    assert text(phone, "yes").startswith("You're booked")


def test_talk_to_a_person_reaches_the_operator_at_once(text, runtime):
    book(text, AMY, "Amy", "wednesday at 3pm")  # the operator was just told of Amy's booking
    text(BEN, "can I talk to a person")

    booked, handoff = notices(runtime)
    assert booked.status == handoff.status == "queued"  # neither held back
    assert handoff.body == '+16175557002 asks for someone: "can I talk to a person"'


def test_a_cancellation_reaches_the_operator_at_once(text, runtime):
    book(text, AMY, "Amy", "wednesday at 3pm")
    text(AMY, "I need to cancel my appointment")

    booked, cancelled = notices(runtime)
    assert cancelled.body.startswith("Cancelled: Haircut Wed Nov 25 at 3:00 PM for Amy")
    assert cancelled.status == "queued" and cancelled.released_at is not None


def test_routine_notices_bundle_and_the_bundle_says_what_changed(text, runtime):
    book(text, AMY, "Amy", "wednesday at 3pm")
    book(text, BEN, "Ben", "thursday at 11am")  # over the limit: held
    text(AMY, "can I move my haircut to friday at 10am?")
    text(AMY, "yes")  # held behind Ben's

    first, *held = notices(runtime)
    assert [m.status for m in held] == ["held", "held"]
    assert release_held(runtime, utcnow() + timedelta(minutes=2)) == 1
    [bundle] = [m for m in notices(runtime) if m.status == "queued" and m.id != first.id]
    assert bundle.body.splitlines() == [
        "2 updates:",
        "1) New booking: Haircut Thu Nov 26 at 11:00 AM for Ben (+16175557002)",
        "2) Moved: Haircut Fri Nov 27 at 10:00 AM (was Wed Nov 25 at 3:00 PM) for Amy (+16175557001)"]


def test_what_does_not_fit_one_bundle_follows_whole_in_the_next(text, runtime):
    for phone, name, hour in ((AMY, "Amy", 10), (BEN, "Ben", 11), (CARA, "Cara", 1),
                              ("+16175557004", "Dee", 2), ("+16175557005", "Eli", 3),
                              ("+16175557006", "Fay", 4)):
        book(text, phone, name, f"thursday at {hour}")
    held = [m.body for m in notices(runtime)[1:]]

    release_held(runtime, utcnow() + timedelta(minutes=2))
    release_held(runtime, utcnow() + timedelta(minutes=4))
    sent = [m.body for m in notices(runtime)[1:] if m.status == "queued"]
    [bundle] = [body for body in sent if body.startswith("4 updates:")]
    [last] = [body for body in sent if body != bundle]  # alone, it goes as it is
    assert len(bundle) <= 320 and bundle.endswith("\n+1 more to follow")
    items = [line.split(") ", 1)[1] + "." for line in bundle.splitlines()[1:-1]]
    assert items + [last] == held  # every notice, each whole, none lost
