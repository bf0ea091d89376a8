"""Missed work escalating by itself, told as it happens: the clock moves, the scheduler
ticks, people are texted up the chain, and their answers (signed Twilio webhooks) take,
excuse or reassign runs by the reply codes those texts carried.

Harbor Street Barbers is the test tenant, with its cadences quietened so only the runs a
story opens exist. Ticks at fixed clocks tell the stories without answers; a story with
answers places its runs around the real clock, since webhooks use the real time.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from config.settings import load_settings
from recurring.scheduler import tick
from server import create_app
from store.db import utcnow
from store.models import Escalation, Message, Run
from tests.conftest import HARBOR_TOKEN, TESTS

DANA, MARCO, LENA, SAM = "+16175550101", "+16175550102", "+16175550103", "+16175550104"
NEVER = "0 0 29 2 *"  # Feb 29 at midnight: no slot near any story's clock
MONDAY = "2026-11-23"


def at(clock: str, day: str = MONDAY) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00-05:00")


def harbor(firing: dict[str, str] = {}, quiet: bool = True, chains: dict | None = None,
           tasks: list[dict] = ()) -> dict:
    """The test tenant with only `firing` tasks on a cadence (task id -> cron)."""
    config = yaml.safe_load((TESTS / "tenants" / "harbor-barbers.yaml").read_text())
    for task in config["tasks"]:
        task["cadence"] = firing.get(task["id"], NEVER)
    config["tasks"] += list(tasks)
    if not quiet:
        for person in config["people"]:
            person.pop("quiet_hours", None)
    if chains is not None:
        config["escalation"] = chains
    return config


@pytest.fixture
def config_dir(tmp_path) -> Path:
    path = tmp_path / "tenants"
    path.mkdir()
    (path / "north-nails.yaml").write_text((TESTS / "tenants" / "north-nails.yaml").read_text())
    return path


def write(config_dir: Path, config: dict) -> None:
    (config_dir / "harbor-barbers.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def start(env, config_dir: Path):
    app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(config_dir)}))
    assert app.extensions["onward"].tenants.get("harbor-barbers") is not None, "config refused"
    return app


@pytest.fixture
def app(env, config_dir):
    """Harbor with its cadences quiet and nobody in quiet hours, for stories on the real clock."""
    write(config_dir, harbor(quiet=False))
    app = start(env, config_dir)
    app.extensions["onward"].redis.flushdb()
    yield app
    app.extensions["onward"].db.dispose()


def texts(runtime, *purposes: str) -> list[tuple[str, str]]:
    with runtime.db.session() as session:
        query = select(Message).where(Message.purpose.in_(purposes)).order_by(Message.id)
        return [(m.to_phone, m.body) for m in session.scalars(query)]


def run_of(runtime, run_id: int) -> Run:
    with runtime.db.session() as session:
        run = session.get(Run, run_id)
        session.expunge(run)
        return run


def steps_of(runtime, run_id: int) -> list[Escalation]:
    with runtime.db.session() as session:
        steps = session.scalars(select(Escalation).where(Escalation.run_id == run_id)
                                .order_by(Escalation.level)).all()
        session.expunge_all()
        return steps


def open_run(runtime, task: str, title: str, assignee: str, due_at: datetime,
             window: timedelta = timedelta(minutes=30)) -> int:
    with runtime.db.session() as session:
        run = Run(tenant="harbor-barbers", task=task, title=title, slot=due_at - window, due_at=due_at,
                  state="open", assignee=assignee, flags=[], reminded_at=due_at - window)
        session.add(run)
        session.flush()
        return run.id


@pytest.fixture
def phone(twilio):
    """Text the business as a person; returns the reply."""

    def text(from_: str, body: str) -> str:
        response = twilio.sms(from_, body)
        assert response.status_code == 200, response.text
        return " ".join(m.text or "" for m in ET.fromstring(response.text).iter("Message"))

    return text


# -- nobody answers ------------------------------------------------------------------------------

def test_nobody_answers_assignee_backup_manager_owner_then_missed(env, config_dir, client):
    write(config_dir, harbor(firing={"opening": "0 9 * * 1-6"}))
    app = start(env, config_dir)
    runtime = app.extensions["onward"]
    moved = {}
    for clock in ("09:00", "09:29", "09:30", "09:59", "10:00", "10:29", "10:30", "11:29", "11:30",
                  "11:59", "12:00", "12:30"):
        result = tick(runtime, at(clock))
        moved[clock] = (result.escalated, result.missed)
    assert {c: m for c, m in moved.items() if m != (0, 0)} == {
        "09:30": (1, 0), "10:00": (1, 0), "10:30": (1, 0), "11:30": (1, 0), "12:00": (0, 1)}

    escalations = texts(runtime, "escalation")
    assert [to for to, _ in escalations] == [LENA, SAM, MARCO, DANA]
    assert escalations[0][1] == ("Opening checklist was due at 9:30 AM and isn't done. "
                                 "Reply DONE with a photo when it is, or 1t if you're on it.")
    assert escalations[1][1] == ("Lena hasn't done Opening checklist, due at 9:30 AM (30m ago); no answer "
                                 "from Lena. Can you do it? Reply 1t to take it.")
    assert escalations[3][1] == (
        "Lena hasn't done Opening checklist, due at 9:30 AM (2h ago); no answer from Lena, Sam, Marco. "
        "Reply 1t to take it, 1x and a reason to excuse it, 1r and a name to reassign it, "
        "or 1d with a photo if it's done.")
    assert all(len(body) <= 320 for _, body in escalations)

    with runtime.db.session() as session:
        (run,) = session.scalars(select(Run)).all()
    assert (run.state, run.escalation_level, run.escalate_at) == ("missed", 4, None)
    notices = texts(runtime, "notice")
    assert sorted(to for to, _ in notices) == sorted([LENA, SAM, MARCO, DANA])
    assert notices[0][1] == "#1 Opening checklist (9:00 AM): missed, nobody took it."

    items = client.get("/api/v1/runs", headers={"Authorization": f"Bearer {HARBOR_TOKEN}"}).json["items"]
    (item,) = items
    assert (item["state"], item["escalation_level"]) == ("missed", 4)
    assert [(s["level"], s["notify"], s["notified"], s["answer"]) for s in item["escalations"]] == [
        (1, "assignee", ["lena"], None), (2, "backup", ["sam"], None),
        (3, "role:manager", ["marco"], None), (4, "owner", ["dana"], None)]
    assert item["escalations"][1]["at"] == "2026-11-23T15:00:00+00:00"
    assert item["escalations"][3]["codes"] == {"dana": 1}
    app.extensions["onward"].db.dispose()


def test_a_second_tick_at_the_same_clock_sends_nothing_again(env, config_dir):
    write(config_dir, harbor(firing={"opening": "0 9 * * 1-6"}))
    runtime = start(env, config_dir).extensions["onward"]
    tick(runtime, at("09:00"))
    assert tick(runtime, at("09:30")).escalated == 1
    assert tick(runtime, at("09:30")).escalated == 0
    assert len(texts(runtime, "escalation")) == 1
    runtime.db.dispose()


# -- quiet hours -----------------------------------------------------------------------------------

NIGHT_TASKS = [
    {"id": "night-check", "title": "Lock the back door", "cadence": "0 20 * * *", "due": "1h",
     "owner": "lena", "backup": "sam"},
    {"id": "night-alarm", "title": "Set the alarm", "cadence": "0 20 * * *", "due": "1h",
     "owner": "lena", "backup": "sam", "escalation": "night"},
]


def test_quiet_hours_defer_a_step_but_an_urgent_step_texts_at_once(env, config_dir):
    config = harbor(tasks=NIGHT_TASKS)
    config["escalation"]["night"] = [{"notify": "assignee", "wait": "30m", "urgent": True},
                                     {"notify": "owner"}]
    write(config_dir, config)
    runtime = start(env, config_dir).extensions["onward"]
    tick(runtime, at("20:00"))  # both runs open; Lena's reminders go before her quiet hours
    result = tick(runtime, at("21:00"))  # due, and Lena's quiet hours (21:00-07:00) began
    assert (result.escalated, result.missed) == (1, 0)
    [(to, body)] = texts(runtime, "escalation")
    assert to == LENA and body.startswith("URGENT: Set the alarm was due at 9:00 PM")
    assert tick(runtime, at("21:30")).escalated == 1  # the alarm's owner step; the door still waits
    assert tick(runtime, at("06:59", "2026-11-24")).escalated == 0
    assert tick(runtime, at("07:00", "2026-11-24")).escalated == 1
    assert [to for to, _ in texts(runtime, "escalation")] == [LENA, DANA, LENA]
    assert texts(runtime, "escalation")[2][1].startswith(
        "Lock the back door was due at Mon 9:00 PM (10h ago) and isn't done.")
    assert tick(runtime, at("07:30", "2026-11-24")).escalated == 1  # then on to Sam, 30m later
    assert texts(runtime, "escalation")[3][0] == SAM
    runtime.db.dispose()


# -- the config changes while a run escalates --------------------------------------------------------

def test_a_config_edit_mid_escalation_does_not_change_it_but_new_runs_follow_it(env, config_dir):
    write(config_dir, harbor(firing={"opening": "0 9 * * 1-6"}))
    runtime = start(env, config_dir).extensions["onward"]
    tick(runtime, at("09:00"))
    tick(runtime, at("09:30"))  # Lena texted: the run's chain is copied onto it
    runtime.db.dispose()

    edited = harbor(firing={"opening": "0 9 * * 1-6"}, chains={
        "default": [{"notify": "assignee", "wait": "15m"}, {"notify": "role:manager", "wait": "15m"},
                    {"notify": "owner"}],
        "urgent": [{"notify": "assignee", "wait": "10m"}, {"notify": "owner", "urgent": True}]})
    write(config_dir, edited)
    runtime = start(env, config_dir).extensions["onward"]  # restarted with the edited file
    assert tick(runtime, at("09:45")).escalated == 0  # the old chain's 30 minutes still hold
    assert tick(runtime, at("10:00")).escalated == 1
    assert [to for to, _ in texts(runtime, "escalation")] == [LENA, SAM]  # the backup, as before

    tick(runtime, at("09:00", "2026-11-24"))  # Tuesday's run follows the edited chain
    tick(runtime, at("09:30", "2026-11-24"))
    tick(runtime, at("09:45", "2026-11-24"))
    assert [to for to, _ in texts(runtime, "escalation")][-2:] == [LENA, MARCO]
    runtime.db.dispose()


def test_a_config_with_the_owner_first_is_refused(env, config_dir, tmp_path):
    write(config_dir, harbor(chains={"default": [{"notify": "owner", "wait": "10m"},
                                                 {"notify": "assignee"}, {"notify": "owner"}],
                                     "urgent": [{"notify": "assignee"}, {"notify": "owner"}]}))
    app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(config_dir)}))
    assert app.extensions["onward"].tenants.get("harbor-barbers") is None
    result = app.test_cli_runner().invoke(args=["config", "check", str(config_dir / "harbor-barbers.yaml")])
    assert result.exit_code != 0
    assert "the owner is never the first step" in result.output
    app.extensions["onward"].db.dispose()


# -- answers on the real clock --------------------------------------------------------------------

def test_the_backup_takes_it_the_chain_pauses_then_the_taker_finishes(runtime, phone):
    now = utcnow()
    cash = open_run(runtime, "cash", "Closing cash count", "lena", now - timedelta(minutes=70), timedelta(hours=1))
    tick(runtime, now - timedelta(minutes=70))  # Lena
    tick(runtime, now - timedelta(minutes=40))  # Marco, the backup
    assert [to for to, _ in texts(runtime, "escalation")] == [LENA, MARCO]

    reply = phone(MARCO, "On it!")
    assert reply.startswith("OK Marco, #1 Closing cash count is yours. Text DONE with the reading in USD")
    run = run_of(runtime, cash)
    assert run.assignee == "marco" and run.state == "open"
    assert timedelta(minutes=59) < run.escalate_at - now < timedelta(minutes=61)  # its 1h due window
    [(to, body)] = texts(runtime, "notice")
    assert to == LENA and body.endswith(": Marco is on it.")
    assert [(s.level, s.answer, s.answered_by) for s in steps_of(runtime, cash)] == [
        (1, None, None), (2, "taken", "marco")]

    assert tick(runtime, now + timedelta(minutes=30)).escalated == 0  # paused
    assert "Closing cash count is done (late): 412 USD recorded" in phone(MARCO, "done 412")
    assert run_of(runtime, cash).state == "late"
    to, body = texts(runtime, "notice")[-1]
    assert to == LENA and body.endswith(": done late by Marco.")
    assert tick(runtime, now + timedelta(hours=3)).escalated == 0
    assert len(texts(runtime, "escalation")) == 2


def test_a_taken_run_resumes_its_chain_after_the_due_window(runtime, phone):
    now = utcnow()
    opening = open_run(runtime, "opening", "Opening checklist", "lena", now - timedelta(minutes=40))
    tick(runtime, now - timedelta(minutes=40))
    tick(runtime, now - timedelta(minutes=10))
    assert "is yours" in phone(SAM, "1t")
    assert tick(runtime, now + timedelta(minutes=29)).escalated == 0
    assert tick(runtime, now + timedelta(minutes=31)).escalated == 1
    to, body = texts(runtime, "escalation")[-1]
    assert to == MARCO and body.startswith("Sam hasn't done Opening checklist")
    assert run_of(runtime, opening).escalation_level == 3


def _three_runs_at_the_owner(runtime) -> list[int]:
    """Opening, jars and cash, all overdue and escalated to Dana (codes 1, 2, 3)."""
    due = utcnow() - timedelta(hours=3)
    ids = [open_run(runtime, "opening", "Opening checklist", "lena", due),
           open_run(runtime, "jars", "Change the disinfectant jars", "sam", due),
           open_run(runtime, "cash", "Closing cash count", "lena", due)]
    for minutes in (0, 30, 60, 120):
        tick(runtime, due + timedelta(minutes=minutes))
    return ids


def test_the_owner_excuses_one_of_three_open_escalations_by_its_code(runtime, phone):
    opening, jars, cash = _three_runs_at_the_owner(runtime)
    to_dana = [body for to, body in texts(runtime, "escalation") if to == DANA]
    assert [b.split(" hasn't done ")[1].split(",")[0] for b in to_dana] == [
        "Opening checklist", "Change the disinfectant jars", "Closing cash count"]
    assert ["1t" in to_dana[0], "2t" in to_dana[1], "3t" in to_dana[2]] == [True] * 3

    reply = phone(DANA, "2x supplier never delivered")
    assert reply == ("OK, #2 Change the disinfectant jars is excused: supplier never delivered. "
                     "Everyone texted about it has been told.")
    assert [run_of(runtime, i).state for i in (opening, jars, cash)] == ["open", "excused", "open"]
    told = texts(runtime, "notice")
    assert sorted(to for to, _ in told) == sorted([SAM, LENA, MARCO])  # assignee, backup, manager
    assert all(body.endswith(": excused by Dana (supplier never delivered).") for _, body in told)
    last = steps_of(runtime, jars)[-1]
    assert (last.answer, last.answered_by, last.note) == ("excused", "dana", "supplier never delivered")

    assert phone(DANA, "2x again") == "#2 was already excused by Dana. Nothing changed."
    assert phone(SAM, "excuse 1 nope").startswith("#1 was already excused by Dana.")  # Sam's code for jars
    which = phone(DANA, "on it")
    assert which.startswith("Which one? #3 Closing cash count") and "#1 Opening checklist" in which
    assert phone(DANA, "7t").startswith("#7 isn't one of your codes. Open for you: #3 Closing cash count")
    assert [run_of(runtime, i).state for i in (opening, jars, cash)] == ["open", "excused", "open"]

    result = tick(runtime, utcnow() + timedelta(minutes=1))  # the owner's wait is long over
    assert result.missed == 2
    assert [run_of(runtime, i).state for i in (opening, jars, cash)] == ["missed", "excused", "missed"]


def test_only_an_owner_or_manager_excuses_or_reassigns(runtime, phone):
    opening, _, _ = _three_runs_at_the_owner(runtime)
    assert phone(SAM, "1x not my job") == ("Only the owner or a manager can excuse it. Reply 1t to take "
                                          "it. Nothing changed.")
    assert phone(SAM, "1r lena").startswith("Only the owner or a manager can reassign it.")
    assert phone(DANA, "1x").startswith("Say why, e.g. 1x supplier didn't come.")
    assert phone(DANA, "1r bob").startswith("Who should have #1? Reply 1r and one of: dana, marco, lena, sam.")
    assert run_of(runtime, opening).state == "open" and run_of(runtime, opening).assignee == "lena"


def test_the_owner_reassigns_a_run_and_the_new_person_finishes_it(runtime, phone):
    opening, jars, cash = _three_runs_at_the_owner(runtime)
    before = len(texts(runtime, "escalation"))
    assert phone(DANA, "3r sam") == "OK, #3 Closing cash count is with Sam now; I've texted them."
    run = run_of(runtime, cash)
    assert run.assignee == "sam" and run.state == "open"
    [(to, body)] = texts(runtime, "escalation")[before:]
    assert to == SAM and body.startswith("Dana gave you Closing cash count (was due ")
    assert body.endswith("Reply DONE with the reading in USD (0 to 5000) when it's finished, or 3t if "
                         "you're on it.")  # Sam's codes 1 (opening) and 2 (jars) are taken
    assert "Sam is on it" not in " ".join(b for _, b in texts(runtime, "notice"))
    assert any(b.endswith(": Dana gave it to Sam.") for to, b in texts(runtime, "notice") if to == LENA)
    assert "done (late): 380 USD" in phone(SAM, "cash done 380")
    assert run_of(runtime, cash).completed_by == "sam"


def test_the_owner_completes_a_run_with_its_proof(runtime, phone):
    opening, jars, cash = _three_runs_at_the_owner(runtime)
    assert phone(DANA, "3d").startswith("#3 Closing cash count needs the reading in USD (0 to 5000) to "
                                         "count as done: send 3d and the reading, e.g. 3d 38.")
    assert run_of(runtime, cash).state == "open"
    assert phone(DANA, "3d 1,250") == "Thanks Dana, Closing cash count is done (late): 1250 USD recorded."
    run = run_of(runtime, cash)
    assert (run.state, run.completed_by) == ("late", "dana")
    assert any(b.endswith(": done late by Dana.") for to, b in texts(runtime, "notice") if to == LENA)
    assert phone(DANA, "3t") == "#3 was already done (late) by Dana. Nothing changed."


def test_done_by_the_assignee_stops_the_escalation_and_tells_those_texted(runtime, phone):
    now = utcnow()
    cash = open_run(runtime, "cash", "Closing cash count", "lena", now - timedelta(minutes=40))
    tick(runtime, now - timedelta(minutes=40))
    tick(runtime, now - timedelta(minutes=10))  # Marco texted
    assert "is done (late)" in phone(LENA, "done 300")
    [(to, body)] = texts(runtime, "notice")
    assert to == MARCO and body.startswith("#1 Closing cash count (") and body.endswith(": done late by Lena.")
    assert tick(runtime, now + timedelta(hours=2)).escalated == 0
    assert steps_of(runtime, cash)[-1].answer == "late"


def test_a_text_that_is_no_answer_goes_on_to_the_staff_agent(runtime, phone):
    now = utcnow()
    open_run(runtime, "opening", "Opening checklist", "lena", now - timedelta(minutes=5))
    tick(runtime, now - timedelta(minutes=5))
    assert phone(LENA, "tasks").startswith("Open for you: 1. Opening checklist")
    assert phone(SAM, "on it").startswith("Hi Sam, I couldn't act on that.")  # nothing open for Sam


# -- answers in words, without a code (issue 12: context decides) ---------------------------

def _one_run_at_the_owner(runtime) -> int:
    due = utcnow() - timedelta(hours=3)
    run = open_run(runtime, "opening", "Opening checklist", "lena", due)
    for minutes in (0, 30, 60, 120):
        tick(runtime, due + timedelta(minutes=minutes))
    return run


def test_the_owner_excuses_her_only_open_escalation_in_words(runtime, phone):
    opening = _one_run_at_the_owner(runtime)
    reply = phone(DANA, "Excuse it - Ava had a family emergency")
    assert reply == ("OK, #1 Opening checklist is excused: Ava had a family emergency. "
                     "Everyone texted about it has been told.")
    assert run_of(runtime, opening).state == "excused"
    assert steps_of(runtime, opening)[-1].note == "Ava had a family emergency"


def test_the_owner_gives_her_only_open_escalation_away_in_words(runtime, phone):
    opening = _one_run_at_the_owner(runtime)
    assert phone(DANA, "have Sam do it") == "OK, #1 Opening checklist is with Sam now; I've texted them."
    assert run_of(runtime, opening).assignee == "sam"


def test_with_three_open_the_task_named_picks_one_and_an_unknown_one_is_asked_about(runtime, phone):
    opening, jars, cash = _three_runs_at_the_owner(runtime)
    assert phone(DANA, "excuse the jars one, supplier never came").startswith(
        "OK, #2 Change the disinfectant jars is excused: supplier never came.")
    which = phone(DANA, "Excuse the sinks one, nobody is in today")
    assert which.startswith("Which one? #") and "#1 Opening checklist" in which and "#3 Closing cash count" in which
    assert which.endswith("Reply with its number and x, e.g. 3x and why. Nothing changed.")
    assert [run_of(runtime, i).state for i in (opening, jars, cash)] == ["open", "excused", "open"]


def test_the_owner_has_someone_do_a_run_in_a_polite_sentence(runtime, phone):
    opening, jars, cash = _three_runs_at_the_owner(runtime)
    assert phone(DANA, "Good morning. Please get Marco to take care of the cash count tonight.") == (
        "OK, #3 Closing cash count is with Marco now; I've texted them.")
    assert phone(DANA, "Have Sam take 1.") == "OK, #1 Opening checklist is with Sam now; I've texted them."
    assert [run_of(runtime, i).assignee for i in (opening, jars, cash)] == ["sam", "sam", "marco"]


def test_a_code_as_voice_to_text_mishears_it_answers_that_run(runtime, phone):
    """ "three are Sam" is 3r Sam, because #3 is open for Dana; "to a" with no #2 open is just words."""
    opening, jars, cash = _three_runs_at_the_owner(runtime)
    assert phone(DANA, "three are Sam he's already there") == (
        "OK, #3 Closing cash count is with Sam now; I've texted them.")
    assert phone(DANA, "won ex we opened late because of the snow").startswith(
        "OK, #1 Opening checklist is excused: we opened late because of the snow.")
    phone(DANA, "for ex the snow")  # Dana has no #4: not a code, and nothing of hers changes
    assert [run_of(runtime, i).state for i in (opening, jars, cash)] == ["excused", "open", "open"]
    assert (run_of(runtime, jars).assignee, run_of(runtime, cash).assignee) == ("sam", "sam")


def test_staff_words_that_sound_like_a_decision_change_nothing(runtime, phone):
    opening = _one_run_at_the_owner(runtime)
    phone(LENA, "just excuse it, I'm slammed")  # staff can't excuse: whatever it is read as, not that
    assert run_of(runtime, opening).state == "open" and steps_of(runtime, opening)[-1].answer is None
