"""In a real browser: Today shows a photo within 2 s of the MMS that brought it, without a
reload; an escalation excused from the page texts everyone it had reached; another
tenant's person sees none of it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from config.settings import load_settings
from recurring.escalation import advance_escalations
from server import create_app
from store.models import Message, Run
from tests.conftest import twilio_env
from tests.console.conftest import AVA, DANA, MARCO, SAM
from tests.fakes.twilio_media import jpeg

LIVE_WITHIN_MS = 2000


@pytest.fixture
def app(env, media):
    """The app taking MMS photos from the local Twilio media stand-in."""
    app = create_app(load_settings({**env, **twilio_env(media.url)}))
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


def add_run(runtime, task: str, title: str, assignee: str, slot, due_at) -> int:
    with runtime.db.session() as session:
        run = Run(tenant="harbor-barbers", task=task, title=title, slot=slot, due_at=due_at,
                  assignee=assignee, flags=[])
        session.add(run)
        session.flush()
        return run.id


@pytest.fixture
def day(runtime, clock):
    """Sam's opening checklist open (proof: a photo); Marco's jars overdue and escalated to him."""
    now = clock.now
    opening = add_run(runtime, "opening", "Opening checklist", "sam", now - timedelta(minutes=1),
                      now + timedelta(minutes=30))
    jars = add_run(runtime, "jars", "Change the disinfectant jars", "marco", now - timedelta(minutes=2),
                   now - timedelta(minutes=1))
    advance_escalations(runtime, now)
    return opening, jars


def test_a_photo_appears_live_and_an_excuse_texts_everyone_reached(page, browser_sign_in, screenshot, twilio,
                                                                  media, runtime, day):
    opening, jars = day
    browser_sign_in(DANA)
    assert page.locator(f"#state-open #run-{opening}").count() == 1
    assert page.locator(f"#run-{jars} .decide").count() == 1

    reply = twilio.sms(SAM, "done", NumMedia="1", MediaUrl0=media.add(jpeg(size=(640, 480))),
                       MediaContentType0="image/jpeg")
    assert reply.status_code == 200 and "done" in reply.text

    page.wait_for_selector(f"#state-done #run-{opening} .thumb img", timeout=LIVE_WITHIN_MS)
    thumb = page.locator(f"#run-{opening} .thumb img")
    thumb.evaluate("img => img.complete || new Promise(done => img.onload = done)")
    assert thumb.evaluate("img => img.naturalWidth") == 320
    screenshot(page, "today")

    page.fill(f"#run-{jars} input[name=reason]", "supplier never delivered")
    page.click(f"#run-{jars} form:has(input[name=reason]) button")
    page.wait_for_selector("text=is excused: supplier never delivered")
    assert page.locator(f"#state-excused #run-{jars}").count() == 1
    with runtime.db.session() as session:
        told = session.scalars(select(Message.body).where(Message.to_phone == MARCO,
                                                          Message.purpose == "notice")).all()
    assert [body for body in told if body.endswith("excused by Dana (supplier never delivered).")]

    page.goto(f"/console/runs/{opening}")
    page.wait_for_selector("img.full")
    assert "Proof: a photo" in page.locator(".timeline").inner_text()
    screenshot(page, "run")


def test_another_tenants_person_sees_none_of_it(page, browser_sign_in, day):
    opening, jars = day
    browser_sign_in(AVA)
    assert "Opening checklist" not in page.content()
    response = page.goto(f"/console/runs/{opening}")
    assert response.status == 404
