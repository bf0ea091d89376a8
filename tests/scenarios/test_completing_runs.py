"""Staff completing runs by text, told as they happen: runs open, texts in, replies and
texts out, run states and stored proof. The webhooks use the real clock, so runs are
placed around now."""
from __future__ import annotations

import threading
import time
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from config.settings import load_settings
from integrations import media as media_module
from server import create_app
from store.models import ConversationSession, Message, Proof, Run
from tests.conftest import TWILIO_ACCOUNT_SID as SID, TWILIO_AUTH_TOKEN as TOKEN, Twilio, twilio_env
from tests.fakes.twilio_media import MediaServer, jpeg, png, png_of_chunks

DANA, MARCO, LENA, SAM = "+16175550101", "+16175550102", "+16175550103", "+16175550104"
PHOTO_PATH = f"/2010-04-01/Accounts/{SID}/Messages/MM{'4' * 32}/Media/ME{'5' * 32}"


@pytest.fixture
def app(env, media):
    app = create_app(load_settings({**env, **twilio_env(media.url)}))
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


@pytest.fixture
def phone(app):
    """Texts to Harbor Street Barbers, signed as Twilio signs them; returns the replies."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    twilio = Twilio(f"http://127.0.0.1:{server.server_port}", TOKEN)

    def text(from_: str, body: str = "", *urls: str, kind: str = "image/jpeg", sid: str | None = None) -> str:
        extra = {"NumMedia": str(len(urls))}
        for i, url in enumerate(urls):
            extra |= {f"MediaUrl{i}": url, f"MediaContentType{i}": kind}
        response = twilio.sms(from_, body, sid=sid, **extra)
        assert response.status_code == 200
        return " ".join(_messages(response.text))

    yield text
    server.shutdown()
    thread.join()


def _messages(twiml: str) -> list[str]:
    import xml.etree.ElementTree as ET

    return [m.text or "" for m in ET.fromstring(twiml).iter("Message")]


@pytest.fixture
def look(runtime):
    """The run as stored now, with its proofs."""

    def get(run_id: int) -> tuple[Run, list[Proof]]:
        with runtime.db.session() as session:
            run = session.get(Run, run_id)
            proofs = list(session.scalars(select(Proof).where(Proof.run_id == run_id).order_by(Proof.id)))
            session.expunge_all()
            return run, proofs
    return get


def outbox(runtime, purpose: str) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        rows = session.scalars(select(Message).where(Message.purpose == purpose).order_by(Message.id))
        return [(m.to_phone, m.body) for m in rows]


def test_done_without_a_photo_is_refused_then_a_photo_alone_completes_it(phone, open_run, look, media,
                                                                         runtime):
    run_id = open_run("opening", "lena")
    assert "needs a photo" in phone(LENA, "Done!")
    assert look(run_id)[0].state == "open"
    reply = phone(LENA, "", media.add(jpeg()))
    assert reply == "Thanks Lena, Opening checklist is done."
    run, [proof] = look(run_id)
    assert (run.state, run.completed_by, run.flags) == ("done", "lena", [])
    assert proof.kind == "photo" and Path(proof.media_path).read_bytes() == jpeg()
    assert Path(proof.media_path).name == f"{proof.sha256}.jpg"
    assert Path(proof.media_path).parent == runtime.settings.var_dir / "proof" / "harbor-barbers"


def test_the_same_photo_for_another_run_is_refused_as_reused(phone, open_run, look, media):
    opening, jars = open_run("opening", "lena"), open_run("jars", "sam")
    photo = jpeg(color="green")
    assert "is done" in phone(LENA, "opening done", media.add(photo))
    reply = phone(SAM, "done", media.add(photo))
    assert "already used for Opening checklist" in reply
    assert look(jars)[0].state == "open" and look(jars)[1] == []
    assert "is done" in phone(SAM, "done", media.add(jpeg(color="yellow")))


def test_a_photo_taken_before_the_slot_is_accepted_but_flagged(phone, open_run, look, media):
    run_id = open_run("opening", "lena")
    reply = phone(LENA, "done", media.add(jpeg(taken=datetime.now() - timedelta(days=2))))
    assert "is done" in reply and "flagged" in reply
    run, [proof] = look(run_id)
    assert run.state == "done" and "photo_older_than_slot" in run.flags
    assert proof.flags == ["photo_older_than_slot"]


def test_media_from_another_host_is_never_fetched(phone, open_run, look, media):
    run_id = open_run("opening", "lena")
    reply = phone(LENA, "done", f"http://127.0.0.2:{media.server.server_port}/2010-04-01/x",
                  "https://evil.example/x.jpg")
    assert "Please send one" in reply
    assert look(run_id)[0].state == "open" and media.requests == []


@pytest.fixture
def canary():
    """Another host on 127.0.0.1 that records every request and the Authorization it carries."""
    server = MediaServer(SID, TOKEN)
    yield server
    server.stop()


# Each URL passes a check that reads the host with urlsplit (after the "@") while requests
# connects to the host before the backslash: the canary, which would get the account's
# Basic credentials.
SMUGGLED = {
    "backslash": "http://127.0.0.1:{canary}\\@127.0.0.1:{media}" + PHOTO_PATH,
    "redirect with a backslash": "{media_url}/2010-04-01/Accounts/" + SID + "/Media/MEredirect",
    "user info": "http://user:pass@127.0.0.1:{media}" + PHOTO_PATH,
    "dot segments": "{media_url}/2010-04-01/Accounts/" + SID + "/Media/%2e%2e/%2e%2e" + PHOTO_PATH,
}


@pytest.mark.parametrize("attack", SMUGGLED)
def test_a_forged_media_url_never_reaches_another_host_nor_carries_the_credentials(
        phone, open_run, look, media, canary, attack):
    run_id = open_run("opening", "lena")
    ports = {"canary": canary.server.server_port, "media": media.server.server_port, "media_url": media.url}
    canary.add(jpeg(), path=PHOTO_PATH)  # served, so a leak would also complete the run
    media.add(jpeg(), path=PHOTO_PATH)
    media.redirects[f"/2010-04-01/Accounts/{SID}/Media/MEredirect"] = (
        "http://127.0.0.1:{canary}\\@127.0.0.1:{media}/cdn/x".format(**ports))
    reply = phone(LENA, "done", SMUGGLED[attack].format(**ports))
    assert canary.requests == []
    assert "Please send one" in reply and look(run_id)[0].state == "open"
    assert all(path.endswith("MEredirect") for path, _ in media.requests)  # the first hop only, if any


def test_a_pdf_is_not_a_photo(phone, open_run, look, media):
    run_id = open_run("opening", "lena")
    reply = phone(LENA, "done", media.add(b"%PDF-1.4\n", "application/pdf"), kind="application/pdf")
    assert "Please send one" in reply and look(run_id)[0].state == "open"
    assert "is done" in phone(LENA, "", media.add(png(), "image/png"), kind="image/png")


@pytest.mark.parametrize("body", [
    png_of_chunks(60000, 60000, zlib.compress(b"\0" * 1000)),  # declares 3.6 billion pixels: a "bomb"
    png_of_chunks(4, 4, b"these bytes are not zlib-compressed pixels"),  # a header, and nothing that decodes
], ids=["60000x60000", "pixels that don't decode"])
def test_a_png_that_is_not_a_photo_is_refused_and_the_run_stays_open(phone, open_run, look, media, body):
    run_id = open_run("opening", "lena")
    assert phone(LENA, "opening done", media.add(body, "image/png"), kind="image/png").startswith(
        "I can only take a photo (JPEG, PNG, GIF, WebP or HEIC) for Opening checklist.")
    assert look(run_id)[0].state == "open" and look(run_id)[1] == []


@pytest.mark.parametrize("text", ["done 38", "38F", "it's 38", "cooler done 38.0 °F"])
def test_a_reading_is_recorded_with_its_unit(phone, open_run, look, text):
    run_id = open_run("cooler", "sam")
    open_run("jars", "sam")
    assert phone(SAM, text) == "Thanks Sam, Product cooler temperature is done: 38 F recorded."
    run, [proof] = look(run_id)
    assert (run.state, proof.kind, proof.value, proof.unit, run.flags) == ("done", "number", "38", "F", [])


def test_a_reading_out_of_range_is_flagged_and_the_managers_told_at_once(phone, open_run, look, runtime):
    run_id = open_run("cooler", "sam")
    reply = phone(SAM, "cooler done 45")
    assert "45 F recorded" in reply and "outside 33 to 41" in reply
    run, [proof] = look(run_id)
    assert run.state == "done" and run.flags == ["out_of_range"] and proof.flags == ["out_of_range"]
    notices = outbox(runtime, "notice")
    assert [to for to, _ in notices] == [DANA, MARCO] and "45 F" in notices[0][1]


def test_done_without_the_reading_is_refused_with_what_to_send(phone, open_run, look):
    run_id = open_run("cooler", "sam")
    assert "needs the reading in F (33 to 41)" in phone(SAM, "done")
    assert look(run_id)[0].state == "open"
    assert "is done" in phone(SAM, "it's 36")


def test_a_note_is_recorded_as_text_proof(phone, open_run, look):
    run_id = open_run("handoff-note", "marco")
    assert "needs a short note" in phone(MARCO, "done")
    assert "is done" in phone(MARCO, "Towels low, gel reordered")
    run, [proof] = look(run_id)
    assert (run.state, proof.kind, proof.value) == ("done", "text", "Towels low, gel reordered")


def test_several_open_runs_are_listed_and_the_answer_picks_one(phone, open_run, look):
    opening = open_run("opening", "lena", due=timedelta(minutes=10))
    cash = open_run("cash", "lena", due=timedelta(minutes=40))
    reply = phone(LENA, "done")
    assert reply.startswith("Which one? 1. Opening checklist (due ") and " 2. Closing cash count (due " in reply
    assert phone(LENA, "2 done 412") == "Thanks Lena, Closing cash count is done: 412 USD recorded."
    assert look(cash)[0].state == "done" and look(opening)[0].state == "open"


def test_a_task_named_in_the_text_is_picked_directly(phone, open_run, look):
    open_run("opening", "lena")
    cash = open_run("cash", "lena")
    assert "Closing cash count is done" in phone(LENA, "cash done $1,250")
    assert look(cash)[1][0].value == "1250" and look(cash)[1][0].unit == "USD"


def test_done_after_the_due_time_is_late(phone, open_run, look):
    run_id = open_run("cooler", "sam", due=timedelta(minutes=-5))
    assert "is done (late)" in phone(SAM, "done 37")
    run, _ = look(run_id)
    assert run.state == "late" and run.completed_at is not None


def test_done_with_nothing_open(phone):
    assert phone(LENA, "done") == "Nothing is open for you right now."


def test_tasks_and_steps(phone, open_run):
    open_run("opening", "lena")
    open_run("cash", "lena", due=timedelta(hours=2))
    tasks = phone(LENA, "tasks")
    assert tasks.startswith("Open for you: 1. Opening checklist (due ") and "2. Closing cash count" in tasks
    steps = phone(LENA, "steps")
    assert steps.startswith("Opening checklist: 1. Lights and music on 2. Stations wiped down")
    assert steps.endswith("Then text DONE with a photo.")
    assert phone(LENA, "how do i do the cash").startswith("Closing cash count: no steps written down.")


def test_cant_hands_the_run_to_the_backup_and_says_why(phone, open_run, look, runtime):
    run_id = open_run("opening", "lena")
    assert phone(LENA, "can't, no towels left") == "OK, Opening checklist is with Sam now."
    run, [proof] = look(run_id)
    assert run.assignee == "sam" and run.state == "open" and run.flags == ["handed_to_backup"]
    assert "no towels left" in proof.value
    [(to, body)] = outbox(runtime, "reminder")
    assert to == SAM and "no towels left" in body and "Opening checklist" in body
    assert phone(LENA, "done") == "Nothing is open for you right now."


def test_skip_without_a_reason_asks_why(phone, open_run, look):
    run_id = open_run("opening", "lena")
    assert phone(LENA, "skip").startswith("Tell me why")
    assert look(run_id)[0].assignee == "lena"


@pytest.mark.parametrize("text", ["hello", "lol", "banana"])
def test_anything_else_gets_a_short_help(phone, text):
    reply = phone(LENA, text)
    assert reply.startswith("Hi Lena, I couldn't act on that.") and "DONE" in reply and "TASKS" in reply
    assert len(reply) <= 320


@pytest.mark.parametrize("text", ["not done yet", "not yet, 10 min", "almost, give me 10 min"])
def test_not_done_yet_is_not_done(phone, open_run, look, text):
    run_id = open_run("cooler", "sam")  # a reading task: "10 min" is no reading of 10
    assert phone(SAM, text) == "OK. Text DONE when it's finished."
    assert look(run_id)[0].state == "open"


def test_a_photo_within_15_minutes_of_a_refusal_completes_that_run(phone, open_run, look, media):
    opening, jars = open_run("opening", "lena"), open_run("jars", "lena")
    assert "Opening checklist needs a photo" in phone(LENA, "opening done")
    assert phone(LENA, "", media.add(jpeg())) == "Thanks Lena, Opening checklist is done."
    assert look(opening)[0].state == "done" and look(jars)[0].state == "open"


def test_after_15_minutes_a_photo_alone_asks_which_run(phone, open_run, look, media, runtime):
    opening, jars = open_run("opening", "lena"), open_run("jars", "lena")
    phone(LENA, "opening done")
    with runtime.db.session() as session:  # the refusal was 20 minutes ago
        convo = session.scalar(select(ConversationSession).where(ConversationSession.phone == LENA))
        until = datetime.fromisoformat(convo.slots["awaiting"]["until"]) - timedelta(minutes=20)
        convo.slots = {"awaiting": {**convo.slots["awaiting"], "until": until.isoformat()}}
        session.commit()
    assert phone(LENA, "", media.add(jpeg())).startswith("Which one? 1. Opening checklist")
    assert phone(LENA, "2") == "Thanks Lena, Change the disinfectant jars is done."
    assert look(jars)[0].state == "done" and look(opening)[0].state == "open"


def test_a_slow_photo_download_keeps_no_other_text_waiting(phone, open_run, look, media):
    run_id = open_run("opening", "lena")
    url = media.add(jpeg())
    asked, release = media.hold(url)
    replies = []
    sending = threading.Thread(target=lambda: replies.append(phone(LENA, "opening done", url)))
    sending.start()
    try:
        assert asked.wait(10)  # Lena's photo is being fetched, and stays so until released
        assert phone(MARCO, "tasks") == "Nothing is open for you right now."
        assert sending.is_alive() and look(run_id)[0].state == "open"
    finally:
        release.set()
        sending.join(10)
    assert replies == ["Thanks Lena, Opening checklist is done."]
    assert look(run_id)[1][0].kind == "photo"


def test_photo_hosts_that_drip_are_cut_off_and_keep_no_other_text_waiting(phone, open_run, look, media,
                                                                          monkeypatch):
    """Two MMS whose media come a byte every 0.05 s (a per-read timeout never trips): each is
    answered once the fetch's deadline passes, and Marco's text meanwhile at once."""
    monkeypatch.setattr(media_module, "DEADLINE", 1.5)
    runs = {LENA: open_run("opening", "lena"), SAM: open_run("jars", "sam")}
    answers, took = {}, {}

    def send(who: str, url: str) -> None:
        started = time.monotonic()
        answers[who] = phone(who, "done", url)
        took[who] = time.monotonic() - started

    senders = []
    for who in runs:
        url = media.add(jpeg())
        media.drip(url, every=0.05)
        senders.append(threading.Thread(target=send, args=(who, url)))
        senders[-1].start()
    started = time.monotonic()
    assert phone(MARCO, "tasks") == "Nothing is open for you right now."
    assert time.monotonic() - started < 1.0
    for sender in senders:
        sender.join(10)
    assert answers == {who: "I couldn't download your photo. Please send it again." for who in runs}
    assert all(seconds < 1.5 + 1.0 for seconds in took.values()), took
    assert all(look(run_id)[0].state == "open" for run_id in runs.values())


def test_a_replayed_photo_is_answered_from_the_record_without_fetching_it_again(phone, open_run, look, media):
    run_id = open_run("opening", "lena")
    url, sid = media.add(jpeg()), "SM" + "5" * 32
    assert phone(LENA, "opening done", url, sid=sid) == "Thanks Lena, Opening checklist is done."
    assert phone(LENA, "opening done", url, sid=sid) == "Thanks Lena, Opening checklist is done."  # Twilio's retry
    assert [path for path, _ in media.requests] == [url.removeprefix(media.url)]
    assert len(look(run_id)[1]) == 1


def test_a_photo_fetched_ahead_that_is_not_an_image_is_refused_and_the_run_stays_open(phone, open_run, look,
                                                                                      media):
    run_id = open_run("opening", "lena")
    assert phone(LENA, "opening done", media.add(b"%PDF-1.4", "application/pdf")).startswith(
        "I can only take a photo (JPEG, PNG, GIF, WebP or HEIC) for Opening checklist.")
    assert look(run_id)[0].state == "open" and look(run_id)[1] == []


def test_a_staff_call_is_asked_to_text_instead(app, open_run, look):
    run_id = open_run("opening", "lena")
    twilio = Twilio("", TOKEN)
    params = {"CallSid": "CA" + "9" * 32, "AccountSid": SID, "From": LENA, "To": "+16175550100",
              "SpeechResult": "done"}
    response = app.test_client().post("/twilio/voice/gather?turn=1", data=params, headers={
        "X-Twilio-Signature": twilio.validator.compute_signature(
            "https://onward.example.com/twilio/voice/gather?turn=1", params)})
    assert response.status_code == 200 and "Please text this number instead" in response.text
    assert look(run_id)[0].state == "open"


def test_a_long_list_stays_short(phone, open_run):
    for minutes in range(10, 80, 10):
        open_run("cash", "lena", due=timedelta(minutes=minutes))
    reply = phone(LENA, "tasks")
    assert "4. Closing cash count" in reply and "5." not in reply and reply.endswith("(+3 more)")
    assert len(phone(LENA, "done")) <= 320


# -- numbers that are not readings (issue 12: never close a run on a misreading) ------------

@pytest.mark.parametrize("text", ["the cooler is broken, 3 bottles leaked", "give me 5 min",
                                  "running 10 min behind", "2 clients waiting, I'll check the cooler in 20",
                                  "step 2 done?", "the dryer at station 1 died"])
def test_a_number_that_is_no_reading_leaves_the_reading_run_open(phone, open_run, look, text):
    run_id = open_run("cooler", "sam")
    reply = phone(SAM, text)
    run, proofs = look(run_id)
    assert run.state == "open" and [p for p in proofs if p.kind == "number"] == [], reply
    assert "recorded" not in reply


def test_a_reading_in_words_around_it_still_completes_the_run(phone, open_run, look):
    run_id = open_run("cooler", "sam")
    assert phone(SAM, "cooler sitting at 37 this morning") == (
        "Thanks Sam, Product cooler temperature is done: 37 F recorded.")
    assert look(run_id)[0].state == "done"
