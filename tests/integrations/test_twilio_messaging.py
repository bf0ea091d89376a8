"""The Twilio sender with the real twilio client against a local fake of the API, and
the console sender. Vendor errors must come out as Onward's temporary/permanent errors."""
from __future__ import annotations

import time

import pytest

from config.settings import load_settings
from integrations.errors import PermanentError, TemporaryError
from integrations.messaging import SendResult, make_messaging
from integrations.messaging.console import ConsoleMessaging
from integrations.messaging.twilio import RebasedHttpClient, TwilioMessaging
from tests.conftest import TWILIO_ACCOUNT_SID as ACCOUNT_SID, TWILIO_AUTH_TOKEN as AUTH_TOKEN, twilio_env
from tests.fakes.twilio_api import Fail, Hang

FROM = "+16175550100"
TO = "+16175550199"
CALLBACK = "https://onward.example.com/twilio/status"


def settings_for(base_url: str | None, **env):
    return load_settings({**twilio_env(base_url or ""), **env})


ANSWERED = 5  # seconds a test that expects an answer gives the local fake, busy beside the other tests
HUNG = 0.5  # seconds before a test that expects no answer gives up


@pytest.fixture
def sender(twilio_api):
    return TwilioMessaging(settings_for(twilio_api.url), timeout=ANSWERED)


def send(sender, **extra):
    return sender.send(to=TO, from_=FROM, body="See you at 3pm.", **extra)


def test_a_text_is_created_through_the_messages_api(twilio_api, sender):
    result = send(sender, status_callback=CALLBACK, media=["https://example.com/a.jpg",
                                                           "https://example.com/b.jpg"])

    assert isinstance(result, SendResult)
    assert result.sid.startswith("SM") and result.status == "queued"
    [request] = twilio_api.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.value("To") == TO and request.value("From") == FROM
    assert request.value("Body") == "See you at 3pm."
    assert request.value("StatusCallback") == CALLBACK
    assert request.form["MediaUrl"] == ["https://example.com/a.jpg", "https://example.com/b.jpg"]


def test_without_a_callback_or_media_none_is_asked_for(twilio_api, sender):
    send(sender)
    [request] = twilio_api.requests
    assert "StatusCallback" not in request.form and "MediaUrl" not in request.form


@pytest.mark.parametrize("url, base, expected", [
    ("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", "http://127.0.0.1:8080",
     "http://127.0.0.1:8080/2010-04-01/Accounts/AC1/Messages.json"),
    ("https://api.dublin.ie1.twilio.com/2010-04-01/X.json?Page=2", "http://localhost:9/twilio/",
     "http://localhost:9/twilio/2010-04-01/X.json?Page=2"),
    ("https://api.twilio.com/2010-04-01/X.json", None, "https://api.twilio.com/2010-04-01/X.json"),
])
def test_requests_are_rebased_onto_the_configured_api(url, base, expected):
    assert RebasedHttpClient(base, timeout=1).rebase(url) == expected


@pytest.mark.parametrize("answer, error, code", [
    (Fail(500, code=20500), TemporaryError, "20500"),
    (Fail(503), TemporaryError, "503"),
    (Fail(429, code=20429, message="Too Many Requests"), TemporaryError, "20429"),
    (Fail(400, code=30003, message="Unreachable destination handset"), TemporaryError, "30003"),
    (Fail(400, code=21610, message="Attempt to send to unsubscribed recipient"), PermanentError, "21610"),
    (Fail(400, code=21211, message="Invalid 'To' Phone Number"), PermanentError, "21211"),
    (Fail(400, code=21614, message="'To' number is not a valid mobile number"), PermanentError, "21614"),
    (Fail(400, code=30005, message="Unknown destination handset"), PermanentError, "30005"),
    (Fail(400, code=30006, message="Landline or unreachable carrier"), PermanentError, "30006"),
    (Fail(400, code=30007, message="Message filtered"), PermanentError, "30007"),
    (Fail(401, code=20003, message="Authenticate"), PermanentError, "20003"),
    (Fail(404, code=20404), PermanentError, "20404"),
])
def test_api_errors_are_translated(twilio_api, sender, answer, error, code):
    twilio_api.script(answer)
    with pytest.raises((TemporaryError, PermanentError)) as caught:
        send(sender)
    assert type(caught.value) is error
    assert caught.value.code == code
    assert len(twilio_api.requests) == 1


def test_wrong_credentials_are_a_permanent_error(twilio_api):
    sender = TwilioMessaging(settings_for(twilio_api.url, TWILIO_AUTH_TOKEN="wrong"), timeout=ANSWERED)
    with pytest.raises(PermanentError) as caught:
        send(sender)
    assert caught.value.code == "20003"


def test_a_hanging_api_is_a_temporary_error_after_the_timeout(twilio_api):
    sender = TwilioMessaging(settings_for(twilio_api.url), timeout=HUNG)
    twilio_api.script(Hang())
    started = time.monotonic()
    with pytest.raises(TemporaryError) as caught:
        send(sender)
    assert time.monotonic() - started < 5
    assert "Timeout" in str(caught.value)
    assert caught.value.code is None


def test_an_unreachable_api_is_a_temporary_error():
    sender = TwilioMessaging(settings_for("http://127.0.0.1:1"), timeout=HUNG)
    with pytest.raises(TemporaryError) as caught:
        send(sender)
    assert "ConnectionError" in str(caught.value)


def test_make_messaging_picks_twilio_only_with_credentials(twilio_api):
    assert isinstance(make_messaging(settings_for(twilio_api.url)), TwilioMessaging)
    assert isinstance(make_messaging(load_settings({})), ConsoleMessaging)


def test_the_console_sender_prints_and_records(capsys):
    console = ConsoleMessaging()
    first = console.send(to=TO, from_=FROM, body="Hello there", status_callback=CALLBACK)
    second = console.send(to=TO, from_=FROM, body="", media=["https://example.com/p.jpg"])

    assert first == SendResult(sid=None, status="console") == second
    assert [t.local_id for t in console.sent] == ["console-1", "console-2"]
    assert console.sent[1].media == ("https://example.com/p.jpg",)
    out = capsys.readouterr().out
    assert f"[console text console-1] {FROM} -> {TO}: Hello there" in out
    assert "(+1 media)" in out
