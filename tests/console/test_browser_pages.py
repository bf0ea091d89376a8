"""In a real browser: a booking moved from its page texts the customer and the operator;
Bookings, Conversations, a trace and Setup at 375 and 1280 px; another tenant's person
sees none of it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.models import Interaction
from tests.booking.fixtures import MARCO, local, text, texts_to  # noqa: F401 - the text fixture
from tests.console.conftest import AVA, DANA
from tests.console.pages import AMY, BEN, book, monday  # noqa: F401 - the monday fixture


@pytest.fixture
def booked(text, runtime, monday):  # noqa: F811
    amy = book(text, runtime, AMY, "this is Amy, haircut wednesday at 3pm")
    book(text, runtime, BEN, "this is Ben, cut and beard wednesday at 3:15pm")
    book(text, runtime, "+16175557003", "color thursday at 10am")
    return amy


def test_moving_a_booking_from_its_page(page, browser_sign_in, screenshot, runtime, booked):
    browser_sign_in(DANA)
    page.click("nav >> text=Bookings")
    page.goto("/console/bookings?day=2026-11-25&view=week")
    screenshot(page, "bookings-week")
    page.goto("/console/bookings?day=2026-11-25")
    screenshot(page, "bookings-day")
    page.click(f"#booking-{booked}")
    page.fill("input[name=day]", "2026-11-26")
    page.fill("input[name=time]", "11:00")
    page.click("form.move button")
    page.wait_for_selector("text=Moved to Thu Nov 26 at 11:00 AM")
    screenshot(page, "booking")
    assert texts_to(runtime, AMY, "confirmation")[-1].startswith("Done, your Haircut is now Thu Nov 26 at 11:00 AM")
    assert texts_to(runtime, MARCO, "notice")[-1] == (
        "Moved: Haircut Thu Nov 26 at 11:00 AM (was Wed Nov 25 at 3:00 PM) for Amy (+16175557001).")

    page.fill("input[name=day]", "2026-11-29")
    page.click("form.move button")
    page.wait_for_selector("text=We're closed on Sundays. Nothing changed.")


def test_conversations_a_trace_and_setup(page, browser_sign_in, screenshot, runtime, booked):
    browser_sign_in(DANA)
    page.click("nav >> text=Conversations")
    page.fill("input[name=phone]", "(617) 555-7001")
    page.click("form[role=search] button")
    page.wait_for_url(f"**/console/conversations/{AMY}")
    assert "this is Amy, haircut wednesday at 3pm" in page.locator(".thread").inner_text()
    screenshot(page, "conversation")
    page.goto("/console/conversations")
    screenshot(page, "conversations")
    page.goto(f"/console/conversations/{AMY}")
    page.click("li.in >> text=trace")
    page.wait_for_selector("table.steps")
    screenshot(page, "trace")
    page.click("nav >> text=Setup")
    page.wait_for_selector("#check")
    screenshot(page, "setup")


def test_another_tenants_person_sees_none_of_it(page, browser_sign_in, runtime, booked):
    browser_sign_in(AVA)
    page.goto("/console/bookings?day=2026-11-25&view=week")
    assert "Amy" not in page.content()
    assert page.goto(f"/console/bookings/{booked}").status == 404
    with runtime.db.session() as session:
        interaction = session.scalar(select(Interaction.id).where(Interaction.from_phone == AMY))
    assert page.goto(f"/console/interactions/{interaction}").status == 404
    page.goto("/console/conversations")
    assert AMY not in page.content()
