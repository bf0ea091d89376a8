"""Staff texts the rules can't read, with OPENAI configured: the staff chain asks the engine
once, the model (the local chat-completions server, through the real openai client) proposes,
the proposal is checked like a customer's, and the agents act on the checked result. A slow
model is replaced by the rules within the same turn, and the trace says so."""
from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from agents.understanding import engine_for
from config.settings import load_settings
from server import create_app
from store.models import Execution, Proof, Run
from tests.understanding.chat_fixtures import script, server  # noqa: F401 - fixtures
from tests.understanding.chat_server import Reply, proposal, sent_text

LENA, SAM = "+16175550103", "+16175550104"
UNREADABLE = "fridge is sitting at thirty eight and a half"  # done, and a reading the rules leave alone


@pytest.fixture
def app(env, server):
    settings = load_settings({**env, "OPENAI_API_KEY": "local-test-key", "OPENAI_BASE_URL": server.url,
                              "OPENAI_MODEL": "gpt-test"})
    model = engine_for(settings).model.model
    model.complete_json("warm up", "{}", {"type": "object"}, timeout=10)  # the first call builds the client
    server.requests.clear()
    app = create_app(settings)
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


@pytest.fixture
def stored(runtime):
    def get(run_id: int) -> tuple[str, list[str]]:
        with runtime.db.session() as session:
            proofs = session.scalars(select(Proof.value).where(Proof.run_id == run_id))
            return session.get(Run, run_id).state, list(proofs)
    return get


def say(twilio, phone: str, body: str) -> str:
    response = twilio.sms(phone, body)
    assert response.status_code == 200
    return " ".join(m.text or "" for m in ET.fromstring(response.text).iter("Message"))


def last_steps(runtime) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        execution = session.scalar(select(Execution).order_by(Execution.id.desc()).limit(1))
        return [(step["agent"], step["outcome"]) for step in execution.steps]


def test_a_text_the_rules_cant_read_is_read_by_the_model_and_completes_the_right_run(
        twilio, runtime, server, script, open_run, stored):
    jars, cooler = open_run("jars", "sam"), open_run("cooler", "sam")
    script.reply = Reply(content=proposal(intent="done", task="cooler", number=38, confidence=0.9), tokens=(300, 30))
    assert say(twilio, SAM, UNREADABLE) == "Thanks Sam, Product cooler temperature is done: 38 F recorded."
    assert stored(cooler) == ("done", ["38"]) and stored(jars) == ("open", [])
    [request] = server.requests
    assert sent_text(request)["text"] == UNREADABLE
    schema = request["response_format"]["json_schema"]["schema"]["properties"]
    assert schema["task"]["enum"] == ["opening", "jars", "cooler", None]  # his own and those he backs up
    steps = last_steps(runtime)
    assert steps[0] == ("understanding", "openai: done (330 tokens)")  # asked once, for the whole chain
    assert [agent for agent, _ in steps] == ["understanding", "intent", "answers", "owner", "staff"]
    assert steps[-1] == ("staff", "run_done")


def test_a_proposal_naming_another_persons_task_changes_nothing(twilio, runtime, script, open_run, stored):
    cash, cooler = open_run("cash", "lena"), open_run("cooler", "sam")
    script.reply = Reply(content=proposal(intent="done", task="cash", number=1250))
    reply = say(twilio, SAM, "took care of the register for lena, all good")
    assert reply.startswith("That task isn't one of yours, so nothing changed. Open for you: "
                            "1. Product cooler temperature (due ")
    assert stored(cash) == ("open", []) and stored(cooler) == ("open", [])
    assert last_steps(runtime)[-1] == ("staff", "task_not_theirs")


def test_a_task_given_to_someone_is_theirs_to_name_while_its_run_is_open(twilio, server, script, open_run,
                                                                        stored):
    cash = open_run("cash", "sam")  # Lena's task, given to Sam for today
    script.reply = Reply(content=proposal(intent="done", task="cash", number=1250))
    assert say(twilio, SAM, "drawer counted, one thousand two fifty") == (
        "Thanks Sam, Closing cash count is done: 1250 USD recorded.")
    assert stored(cash) == ("done", ["1250"])
    properties = server.requests[0]["response_format"]["json_schema"]["schema"]["properties"]
    assert properties["task"]["enum"] == ["opening", "jars", "cooler", "cash", None]


def test_a_slow_model_is_replaced_by_the_rules_within_the_turn(twilio, runtime, server, script, open_run, stored,
                                                              monkeypatch):
    monkeypatch.setitem(engine_for(runtime.settings).model.timeouts, "text", 0.3)  # the app's own engine
    cooler = open_run("cooler", "sam")
    script.reply = Reply(kind="slow")
    started = time.perf_counter()
    reply = say(twilio, SAM, UNREADABLE)
    assert time.perf_counter() - started < 3.0
    assert reply.startswith("Product cooler temperature needs the reading in F (33 to 41)")  # done, no reading
    assert stored(cooler) == ("open", [])
    assert last_steps(runtime)[0] == ("understanding", "rules: done (openai fell back: timeout)")


def test_a_slow_model_keeps_no_other_text_waiting(twilio, server, script, open_run, stored):
    """The model reads Sam's text before his transaction begins: on SQLite, the one writer turn
    is not held while it thinks, so Lena's text goes through meanwhile."""
    cooler = open_run("cooler", "sam")
    script.reply = Reply(kind="slow")
    answers = []
    sending = threading.Thread(target=lambda: answers.append(say(twilio, SAM, UNREADABLE)))
    sending.start()
    try:
        _wait_until(lambda: server.requests)  # the model has Sam's text, and sits on it
        started = time.perf_counter()
        assert say(twilio, LENA, "tasks") == "Nothing is open for you right now."
        assert time.perf_counter() - started < 1.0
        assert sending.is_alive()
    finally:
        server.release.set()
        sending.join(10)
    assert answers[0].startswith("Product cooler temperature needs the reading") and stored(cooler) == ("open", [])


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_confident_rules_never_ask_the_model(twilio, server, open_run, stored):
    cooler = open_run("cooler", "sam")
    assert say(twilio, SAM, "not yet, 10 min") == "OK. Text DONE when it's finished."
    assert say(twilio, SAM, "cooler 38") == "Thanks Sam, Product cooler temperature is done: 38 F recorded."
    assert stored(cooler) == ("done", ["38"])
    assert server.requests == []
