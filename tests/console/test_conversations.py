"""Conversations: every phone's thread (texts with their delivery status, calls), searched
by phone typed any way and by day; each interaction's trace (route, agent steps, what was
understood and written). Owners and managers only; another tenant sees none of it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from store.models import Interaction, Message
from tests.booking.fixtures import text  # noqa: F401 - the text fixture
from tests.console.conftest import AVA, DANA, MARCO, SAM
from tests.console.pages import AMY, BEN, book, monday  # noqa: F401 - the monday fixture


@pytest.fixture
def talked(text, runtime, monday):  # noqa: F811
    """Amy booked a haircut by text Monday; Ben asked about parking on Tuesday; one of
    Amy's texts from us was undelivered."""
    amy = book(text, runtime, AMY, "this is Amy, haircut wednesday at 3pm")
    monday.move(days=1)
    text(BEN, "where do I park?")
    with runtime.db.session() as session:
        session.execute(update(Message).where(Message.to_phone == AMY, Message.body.startswith("You're booked"))
                        .values(status="undelivered", error_code="30005"))
        first = session.scalar(select(Interaction.id).where(Interaction.from_phone == AMY).order_by(Interaction.id))
    return {"booking": amy, "interaction": first}


def test_every_phone_newest_first(console_client, talked):
    console_client.sign_in(DANA)
    page = console_client.get("/console/conversations").text
    assert page.index(BEN) < page.index(AMY)  # Ben wrote last
    assert "Amy" in page


@pytest.mark.parametrize("typed", ["(617) 555-7001", "617.555.7001", "+1 617 555 7001", "16175557001"])
def test_a_phone_typed_any_way_opens_its_thread(console_client, talked, typed):
    console_client.sign_in(MARCO)
    answer = console_client.client.get("/console/conversations", query_string={"phone": typed})
    assert answer.status_code == 302 and answer.location.endswith(f"/console/conversations/{AMY}")
    thread = console_client.get(answer.location).text
    assert "this is Amy, haircut wednesday at 3pm" in thread
    assert re.search(r"You&#39;re booked: Haircut.*?status undelivered\">undelivered</span> \(30005\)", thread, re.S)
    assert "where do I park" not in thread


def test_searching_by_day(console_client, talked):
    console_client.sign_in(DANA)
    monday_page = console_client.get("/console/conversations?day=2026-11-23").text
    assert AMY in monday_page and BEN not in monday_page
    assert "haircut" not in console_client.get(f"/console/conversations/{AMY}?day=2026-11-24").text


@pytest.mark.parametrize("query", ["phone=hello", "phone=12", "day=23/11/2026", "day=0001-01-01"])
def test_a_search_that_is_not_one_says_so(console_client, talked, query):
    console_client.sign_in(DANA)
    answer = console_client.get(f"/console/conversations?{query}")
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert console_client.get("/console/conversations/not-a-phone").status_code == 400


def test_an_interactions_trace(console_client, runtime, talked):
    console_client.sign_in(DANA)
    page = console_client.get(f"/console/interactions/{talked['interaction']}").text
    assert "Route <code>customer</code>" in page
    steps = re.findall(r'<tr class="(\w+)"><td data-label="Agent">\w+</td><td data-label="Outcome">(\w+)</td>', page)
    assert [agent for agent, _ in steps] == ["intent", "lookup", "decision", "action", "communication", "customer"]
    assert ("intent", "book") in steps and ("action", "held") in steps
    assert "Read as:</strong> rules: book, confidence" in page
    assert f'/console/bookings/{talked["booking"]}' in page  # the hold it wrote, now the booking
    assert "Would you like" in page or "Reply YES" in page  # the reply it sent


def test_a_thread_pages_back_to_its_earlier_texts(console_client, runtime, talked):
    with runtime.db.session() as session:
        session.add_all(Message(tenant="harbor-barbers", direction="out", to_phone=AMY, from_phone="+16175550100",
                                body=f"note {i}", purpose="notice", status="delivered") for i in range(120))
    console_client.sign_in(DANA)
    newest = console_client.get(f"/console/conversations/{AMY}").text
    assert "note 119" in newest and "note 19<" not in newest and "haircut wednesday" not in newest
    earlier = re.search(r'href="(/console/conversations/[^"]+before=\d+[^"]*)"', newest).group(1)
    older = console_client.get(earlier.replace("&amp;", "&")).text
    assert "note 19<" in older and "haircut wednesday" in older and "note 119" not in older


def test_staff_are_refused(console_client, talked):
    console_client.sign_in(SAM)
    assert console_client.get("/console/conversations").status_code == 403
    assert console_client.get(f"/console/conversations/{AMY}").status_code == 403
    assert console_client.get(f"/console/interactions/{talked['interaction']}").status_code == 403


def test_another_tenant_sees_none_of_it(console_client, talked):
    console_client.sign_in(AVA)
    assert AMY not in console_client.get("/console/conversations").text
    assert "haircut" not in console_client.get(f"/console/conversations/{AMY}").text
    assert console_client.get(f"/console/interactions/{talked['interaction']}").status_code == 404
    assert console_client.get("/console/interactions/99999999999").status_code == 404
