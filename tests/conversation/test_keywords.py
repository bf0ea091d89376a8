"""STOP / START / HELP as carriers define them: the whole message, nothing more."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from agents.keywords import keyword_of
from store.models import OptOut
from tests.conversation.test_sms_webhook import LENA, STRANGER, replies

CUSTOMER = "+16175550150"


@pytest.mark.parametrize("text, keyword", [
    ("STOP", "stop"), ("stop", "stop"), (" Stop! ", "stop"), ("STOPALL", "stop"),
    ("unsubscribe", "stop"), ("CANCEL", "stop"), ("end", "stop"), ("Quit", "stop"),
    ("START", "start"), ("unstop", "start"), ("yes", "yes"), ("HELP", "help"), ("info", "help"),
    ("I need to cancel my appointment", None), ("stop texting me about the cooler", None),
    ("please help", None), ("", None), ("stopp", None),
    # Twilio's defaults since 2025, in any width, with trailing punctuation or emoji
    ("REVOKE", "stop"), ("optout", "stop"), ("Opt-out", "stop"), ("STOP ALL", "stop"), ("stop all!", "stop"),
    ("ＳＴＯＰ", "stop"), ("ＳＴＯＰ　ＡＬＬ", "stop"), ("ｕｎｓｔｏｐ", "start"), ("STOP!!!", "stop"),
    ("Stop 🛑", "stop"), ("stop…", "stop"), ("S\u200bTOP", "stop"), ("cancel.", "stop"),
    # consent revoked in words, as the whole message
    ("please stop", "stop"), ("Stop texting me", "stop"), ("PLEASE STOP TEXTING ME!", "stop"),
    ("leave me alone", "stop"), ("Don’t text me anymore", "stop"), ("do not contact me", "stop"),
    ("no more texts please", "stop"), ("remove me from your list", "stop"), ("take me off your list", "stop"),
    ("stop sending me these", "stop"), ("unsubscribe me", "stop"),
    # ...and what only looks like it
    ("stop by tomorrow at 3?", None), ("please stop by", None), ("can I stop by at 3", None),
    ("stop the 3pm booking", None), ("don't text me the price, call", None), ("leave me a message", None),
    ("x", "x"), ("X.", "x"), ("xx", None),
])
def test_keywords_count_only_as_the_whole_message(text, keyword):
    assert keyword_of(text) == keyword


def test_stop_opts_out_until_start(twilio):
    assert "unsubscribed" in replies(twilio.sms(CUSTOMER, "STOP"))[0]
    assert replies(twilio.sms(CUSTOMER, "hello?")) == []
    assert "subscribed to Harbor Street Barbers again" in replies(twilio.sms(CUSTOMER, "START"))[0]
    assert replies(twilio.sms(CUSTOMER, "hello?"))


def test_yes_opts_back_in_only_after_stop(twilio):
    assert "subscribed" not in replies(twilio.sms(CUSTOMER, "yes"))[0]
    twilio.sms(CUSTOMER, "stop")
    assert "again" in replies(twilio.sms(CUSTOMER, "YES"))[0]


@pytest.mark.parametrize("words", ["ＳＴＯＰ", "STOP ALL", "Revoke!", "please stop texting me", "Leave me alone."])
def test_revocations_as_carriers_and_the_tcpa_read_them_opt_out(twilio, words):
    assert replies(twilio.sms(CUSTOMER, words)) == [
        "You're unsubscribed from Harbor Street Barbers and will get no more texts. Reply START to subscribe again."]
    assert replies(twilio.sms(CUSTOMER, "hello?")) == []


def test_a_request_mentioning_cancel_is_not_an_opt_out(twilio):
    reply = replies(twilio.sms(CUSTOMER, "I need to cancel my appointment"))[0]
    assert "unsubscribed" not in reply
    assert replies(twilio.sms(CUSTOMER, "thanks"))  # still subscribed


def test_help_answers_the_tenants_help_text(twilio):
    assert replies(twilio.sms(STRANGER, "HELP")) == [
        "Harbor Street Barbers: text BOOK to book, or call us. Reply STOP to opt out."]


def test_help_from_staff_is_the_same_help_text(twilio):
    assert replies(twilio.sms(LENA, "HELP")) == [
        "Harbor Street Barbers: text BOOK to book, or call us. Reply STOP to opt out."]


def test_opt_out_is_per_tenant(twilio):
    from tests.conftest import NORTH_NUMBER

    twilio.sms(LENA, "STOP")
    assert replies(twilio.sms(LENA, "hello")) == []
    assert replies(twilio.sms(LENA, "hello", to=NORTH_NUMBER))


def test_stops_at_the_same_moment_are_all_answered(twilio, runtime):
    """Two STOPs from one phone (two MessageSids) and one from another, taken in together. On
    PostgreSQL a lock on opt_outs holds every webhook at its opt-out insert until all have read
    that their phone is not opted out yet, so the inserts do meet."""
    senders = [CUSTOMER, CUSTOMER, STRANGER]
    with opt_outs_held(runtime, waiting=len(senders)) as start:
        answers = start([lambda phone=phone: twilio.sms(phone, "STOP") for phone in senders])
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert all("unsubscribed" in replies(r)[0] for r in answers), [r.text for r in answers]
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OptOut)) == 2


@contextmanager
def opt_outs_held(runtime, waiting: int):
    """Runs calls on threads while (on PostgreSQL) this test holds opt_outs locked, and lets go
    once `waiting` transactions wait on that lock; yields the function that runs them."""
    postgres = runtime.db.engine.dialect.name == "postgresql"
    with runtime.db.engine.connect() as holder:
        if postgres:
            holder.execute(text("LOCK TABLE opt_outs IN EXCLUSIVE MODE"))  # reads pass, inserts wait

        def start(calls):
            answers: dict[int, object] = {}
            threads = [threading.Thread(target=lambda i=i, call=call: answers.update({i: call()}))
                       for i, call in enumerate(calls)]
            for thread in threads:
                thread.start()
            if postgres:
                _wait_for_lock_waiters(runtime, waiting)
                holder.rollback()
            for thread in threads:
                thread.join(10)
            return [answers[i] for i in range(len(calls))]
        yield start


def _wait_for_lock_waiters(runtime, count: int) -> None:
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                 "AND datname = current_database()")
    deadline = time.monotonic() + 10
    with runtime.db.engine.connect() as watcher:
        while watcher.execute(query).scalar() < count:
            assert time.monotonic() < deadline, "the webhooks never reached the opt-out insert"
            watcher.rollback()
            time.sleep(0.01)
