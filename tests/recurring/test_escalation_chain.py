"""Chains and steps without a database: which chain, who a step texts, and the next move."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from config.checks import cross_check
from config.schema import EscalationStep, Person, Task, Tenant
from recurring.chains import (BUILTIN, DEFAULT_WAIT, ChainStep, chain_for, chain_json, chain_of, next_move,
                              recipients)
from recurring.escalation_texts import ago, ending_text, given_text, step_text

PEOPLE = (Person(id="dana", name="Dana Reyes", phone="+16175550101", role="owner"),
          Person(id="marco", name="Marco", phone="+16175550102", role="manager"),
          Person(id="lena", name="Lena", phone="+16175550103", quiet_hours="21:00-07:00"),
          Person(id="sam", name="Sam", phone="+16175550104"))
OPENING = Task(id="opening", title="Opening checklist", cadence="0 9 * * *", due="30m", owner="lena",
               backup="sam", proof="photo")
ALONE = Task(id="alone", title="Water the plants", cadence="0 9 * * *", due="30m", owner="sam",
             escalation="fast")
CHAINS = {"default": (EscalationStep(notify="assignee", wait="30m"), EscalationStep(notify="backup", wait="30m"),
                      EscalationStep(notify="role:manager", wait="1h"), EscalationStep(notify="owner")),
          "fast": (EscalationStep(notify="assignee", wait="5m"), EscalationStep(notify="backup", wait="5m"),
                   EscalationStep(notify="owner", urgent=True))}
HARBOR = Tenant(tenant="harbor", name="Harbor", timezone="America/New_York", numbers=("+16175550100",),
                api_token="token-harbor", people=PEOPLE, escalation=CHAINS, tasks=(OPENING, ALONE))
NOON = datetime.fromisoformat("2026-11-23T12:00:00-05:00")
NIGHT = datetime.fromisoformat("2026-11-23T22:00:00-05:00")


def names(people) -> list[str]:
    return [p.id for p in people]


def test_a_task_uses_its_own_chain_or_the_default_or_the_built_in_one():
    assert [s.notify for s in chain_for(HARBOR, OPENING)] == ["assignee", "backup", "role:manager", "owner"]
    assert chain_for(HARBOR, OPENING)[3].wait == DEFAULT_WAIT  # a step without wait
    assert chain_for(HARBOR, ALONE)[2] == ChainStep("owner", DEFAULT_WAIT, urgent=True)
    assert chain_for(HARBOR, None)[0].notify == "assignee"  # a task gone from the config
    assert chain_for(HARBOR.model_copy(update={"escalation": {}}), OPENING) == BUILTIN


def test_the_copy_kept_on_the_run_reads_back_the_same():
    chain = chain_for(HARBOR, ALONE)
    assert chain_json(chain)[0] == {"notify": "assignee", "wait": 300, "urgent": False, "by": "text"}
    assert chain_of(chain_json(chain)) == chain


def test_a_copy_made_before_steps_could_call_reads_as_texts():
    assert chain_of([{"notify": "owner", "wait": 600, "urgent": True}])[0].by == "text"


@pytest.mark.parametrize("notify, assignee, people", [
    ("assignee", "lena", ["lena"]),
    ("assignee", "sam", ["sam"]),  # whoever has it now
    ("backup", "lena", ["sam"]),
    ("backup", "sam", []),  # the backup has it already
    ("role:manager", "lena", ["marco"]),
    ("role:cleaner", "lena", []),
    ("person:marco", "lena", ["marco"]),
    ("owner", "lena", ["dana"]),
])
def test_who_a_step_texts(notify, assignee, people):
    assert names(recipients(HARBOR, notify, assignee, OPENING)) == people


def test_a_task_without_backup_passes_the_backup_step_over():
    assert names(recipients(HARBOR, "backup", "sam", ALONE)) == []
    move = next_move(HARBOR, chain_for(HARBOR, ALONE), 1, "sam", ALONE, NOON)
    assert (move.kind, move.index, names(move.people)) == ("text", 2, ["dana"])


def test_each_move_texts_the_next_step_and_waits_its_wait():
    chain = chain_for(HARBOR, OPENING)
    moves = [next_move(HARBOR, chain, level, "lena", OPENING, NOON) for level in range(5)]
    assert [(m.kind, m.index) for m in moves] == [("text", 0), ("text", 1), ("text", 2), ("text", 3), ("miss", 4)]
    assert [names(m.people) for m in moves[:4]] == [["lena"], ["sam"], ["marco"], ["dana"]]
    assert [m.at - NOON for m in moves[:4]] == [timedelta(minutes=30), timedelta(minutes=30),
                                                timedelta(hours=1), DEFAULT_WAIT]


def test_quiet_hours_defer_a_step_to_their_end_unless_it_is_urgent():
    chain = chain_for(HARBOR, OPENING)
    move = next_move(HARBOR, chain, 0, "lena", OPENING, NIGHT)
    assert (move.kind, move.at) == ("defer", datetime.fromisoformat("2026-11-24T07:00:00-05:00"))
    urgent = (ChainStep("assignee", urgent=True), ChainStep("owner"))
    assert next_move(HARBOR, urgent, 0, "lena", OPENING, NIGHT).kind == "text"
    assert next_move(HARBOR, chain, 1, "lena", OPENING, NIGHT).kind == "text"  # Sam has no quiet hours


def test_the_owner_first_or_not_last_is_refused_by_the_config_checks():
    first = HARBOR.model_copy(update={"escalation": {**CHAINS, "default": (
        EscalationStep(notify="owner"), EscalationStep(notify="assignee"), EscalationStep(notify="owner"))}})
    assert ("escalation.default[0].notify",
            "the owner is never the first step: start with the assignee") in cross_check(first)
    middle = HARBOR.model_copy(update={"escalation": {**CHAINS, "default": (
        EscalationStep(notify="assignee"), EscalationStep(notify="person:dana"), EscalationStep(notify="owner"))}})
    assert ("escalation.default[1].notify",
            "the owner is the last resort: only the last step may notify the owner") in cross_check(middle)
    last = HARBOR.model_copy(update={"escalation": {**CHAINS, "default": (EscalationStep(notify="assignee"),)}})
    assert ("escalation.default", "the last step must notify the owner ({notify: owner})") in cross_check(last)
    assert cross_check(HARBOR) == []


def test_step_texts_say_who_missed_what_since_when_and_how_to_answer():
    due = NOON - timedelta(hours=1, minutes=5)
    common = {"title": "Opening checklist", "assignee": "lena", "task": OPENING, "due_at": due, "now": NOON,
              "code": 3, "urgent": False}
    assert step_text(HARBOR, PEOPLE[2], **common) == (
        "Opening checklist was due at 10:55 AM (1h 5m ago) and isn't done. Reply DONE with a photo when it "
        "is, or 3t if you're on it.")
    assert step_text(HARBOR, PEOPLE[3], **common) == (
        "Lena hasn't done Opening checklist, due at 10:55 AM (1h 5m ago). Can you do it? Reply 3t to take it.")
    owner = step_text(HARBOR, PEOPLE[0], **common | {"urgent": True}, unanswered=["Lena", "Sam"])
    assert owner.startswith("URGENT: Lena hasn't done Opening checklist, due at 10:55 AM (1h 5m ago); "
                            "no answer from Lena, Sam. Reply 3t to take it, 3x and a reason")
    wordy = step_text(HARBOR, PEOPLE[0], **common | {"title": "Very long title " * 20},
                      unanswered=["Somebody"] * 30)
    assert len(wordy) <= 320


def test_other_texts_stay_short_and_name_the_day_when_not_today():
    yesterday = NOON - timedelta(days=1)
    assert given_text(HARBOR, title="Opening checklist", by="dana", task=OPENING, due_at=yesterday,
                      now=NOON, code=2).startswith("Dana gave you Opening checklist (was due Sun 12:00 PM).")
    assert ending_text(HARBOR, code=2, title="Opening checklist", slot=NOON, now=NOON, ending="excused",
                       actor=None, by="dana", note="storm") == "#2 Opening checklist (12:00 PM): excused by Dana (storm)."
    assert [ago(timedelta(minutes=m)) for m in (0, 59, 60, 61, 47 * 60, 72 * 60)] == [
        "0m", "59m", "1h", "1h 1m", "47h", "3d"]
