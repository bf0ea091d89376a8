"""Customers booking in their own words (issue 12): times spelt out or given as an offset,
the trade's words for a service, and numbers that are not the appointment's time. Texts in
through the signed SMS webhook, offers out. It is Monday Nov 23 2026, 10:00 in New York."""
from __future__ import annotations

import pytest

from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY


@pytest.mark.parametrize("body, offer", [
    ("can I get a low taper friday at half past two", "Haircut, Fri Nov 27 at 2:30 PM"),
    ("shape up tomorrow at three thirty?", "Haircut, Tue Nov 24 at 3:30 PM"),
    ("hot towel shave wednesday quarter to five", "Beard trim, Wed Nov 25 at 4:45 PM"),
    ("mustache trim in about 3 hours", "Beard trim, Mon Nov 23 at 1:00 PM"),
    ("need a buzz cut thursday at 11, my flight leaves at 2", "Haircut, Thu Nov 26 at 11:00 AM"),
    ("buzz cut a week from friday 1430", "Haircut, Fri Dec 4 at 2:30 PM"),
    ("edge up the day after thanksgiving around noonish", "Haircut, Fri Nov 27 at 12:00 PM"),
    ("un degradado pasado mañana a las tres y media", "Haircut, mié 25 nov a las 3:30 PM"),
    ("afeitado el viernes a las 5 menos cuarto", "Beard trim, vie 27 nov a las 4:45 PM"),
    ("quiero mechas el jueves a la una", "Color, jue 26 nov a las 1:00 PM"),
])
def test_an_offer_for_a_text_in_the_customers_words(text, body, offer):
    assert text(AMY, body).startswith(offer)

