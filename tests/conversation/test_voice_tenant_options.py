"""Voice with a tenant's options: no operator configured, a booking page of its own."""
from __future__ import annotations

import pytest

from config.settings import load_settings
from server import create_app
from tests.conftest import TESTS
from tests.conversation.test_voice import CALLER, Call, texts_to


@pytest.fixture
def app(env, tmp_path):
    """Harbor Street Barbers without an operator and with a booking page."""
    folder = tmp_path / "tenants"
    folder.mkdir()
    harbor = (TESTS / "tenants" / "harbor-barbers.yaml").read_text()
    assert "operator: marco" in harbor
    harbor = harbor.replace("operator: marco", "booking_url: https://book.example.com/harbor")
    (folder / "harbor-barbers.yaml").write_text(harbor)
    app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(folder)}))
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


def test_without_an_operator_the_caller_is_offered_to_leave_a_message_by_text(twilio, runtime):
    assert runtime.tenants.get("harbor-barbers").operator is None
    call = Call(twilio)
    call.answer()
    call.say("operator")
    assert call.twiml.find("Dial") is None and call.twiml.find("Gather") is not None
    assert "nobody can come to the phone" in call.said and "texted you" in call.said
    call.say("a person please")
    assert "texted you" in call.said
    [text] = texts_to(runtime, CALLER)
    assert text.purpose == "notice" and "Reply to this text with your message" in text.body


def test_a_tenants_booking_page_is_the_link_texted_after_silence(twilio, runtime):
    call = Call(twilio)
    call.answer()
    call.say()
    call.say()
    [link] = texts_to(runtime, CALLER)
    assert "https://book.example.com/harbor" in link.body and len(link.body) <= 320
