"""Words and numbers in a person's text that look like a task, a reply code or a reading and
are not one (found on the dev2 split): each would have acted on the wrong run or value."""
from __future__ import annotations

import pytest

from agents.understanding import understand
from tests.understanding.test_tenant_words import NOW, RULES, tenant_with

HARBOR = tenant_with()
DANA, MARCO, LENA, SAM = (HARBOR.person(p) for p in ("dana", "marco", "lena", "sam"))
ESCALATED = ("Lena hasn't done Opening checklist, due 9:30 AM. Reply 3t to take it, 3x and a reason to excuse "
             "it, 3r and a name to reassign it, or 3d with a photo if it's done.",)
LISTED = ("what do i have", "Your tasks today: 1. Change the disinfectant jars, due 12:00 PM "
                            "2. Product cooler temperature, due 1:00 PM")


@pytest.mark.parametrize("text, person, task", [
    ("nah let that one go, power was out all morning", DANA, None),  # not the note "for the morning shift"
    ("good morning!! ☀️", LENA, None),
    ("noted 👌", MARCO, None),  # not "notes"
    ("Drawer is at $1,093.20, we're low on 5s for change", LENA, "cash"),  # not "Change the ... jars"
    ("for the morning shift: sweep under the stations", MARCO, "handoff-note"),  # two such words do name it
])
def test_an_everyday_title_word_alone_names_no_task(text, person, task):
    assert understand(HARBOR, text, NOW, person=person, engine=RULES).task == task


@pytest.mark.parametrize("text", ["no worries on this one, excuse. she stayed till 8 scrubbing",
                                  "I'll grab it, here in 5", "I'll take it, I'm 10 min out",
                                  "have sam do it, she's leaving at 6"])
def test_a_number_that_is_a_time_or_a_wait_is_no_reply_code(text):
    assert understand(HARBOR, text, NOW, recent=ESCALATED, person=DANA, engine=RULES).code is None


@pytest.mark.parametrize("text, code", [("3t", 3), ("excuse 3 she's sick", 3), ("ack 2", 2), ("#4 fine", 4),
                                        ("t5", 5), ("A2", 2)])
def test_a_reply_code_is_read_where_it_is_one(text, code):
    assert understand(HARBOR, text, NOW, recent=ESCALATED, person=DANA, engine=RULES).code == code


def test_a_clock_time_after_a_done_code_is_not_its_reading():
    heard = understand(HARBOR, "3d, did it myself before my 11:00", NOW, recent=ESCALATED, person=MARCO,
                       engine=RULES)
    assert (heard.intent, heard.code, heard.number) == ("done", 3, None)


def test_a_line_and_its_reading():
    heard = understand(HARBOR, "2 is 38", NOW, recent=LISTED, person=SAM, engine=RULES)
    assert (heard.intent, heard.pick, heard.number) == ("done", 2, 38.0)


@pytest.mark.parametrize("text, number", [("two grand exactly in the drawer!!", 2000.0), ("drawer 1.5k", 1500.0)])
def test_thousands_as_people_count_a_drawer(text, number):
    heard = understand(HARBOR, text, NOW, person=LENA, engine=RULES)
    assert heard.number == number and "done" in (heard.intent, heard.unsure_of)  # done, or asked about: never 2


@pytest.mark.parametrize("text", ["handoff note: out of neck strips, chair 2 hydraulic sticking again",
                                  "Note for the morning shift. Front door lock is sticking again.",
                                  "ok here's the note: 3 walk-ins asked for sam, ordered more neck strips"])
def test_a_note_under_its_tasks_header_is_that_tasks_proof(text):
    heard = understand(HARBOR, text, NOW, person=MARCO, engine=RULES)
    assert (heard.intent, heard.task, heard.number) == ("done", "handoff-note", None)


def test_a_note_to_self_is_no_tasks_proof():
    heard = understand(HARBOR, "note to self: call the supplier about clippers", NOW, person=MARCO, engine=RULES)
    assert heard.intent != "done"


REMINDED = ("Reminder: your Haircut at Harbor Street Barbers is tomorrow, Tue Nov 24 at 11:00 AM. "
            "Reply C to confirm, R to reschedule or X to cancel.",)


@pytest.mark.parametrize("text, intent", [
    ("cant make it", "cancel"),  # an apostrophe short of "can't": never the reminder's yes
    ("wont be able to come", "cancel"),
    ("X. my car died on 93 and its towing", "cancel"),  # the letter, set apart, then why
    ("C. see you then", "confirm"),
    ("cxl tmrw pls", "cancel"),
    ("la de mañana ya no va, se enfermó", "cancel"),
])
def test_a_no_to_a_reminder_is_never_its_yes(text, intent):
    assert understand(HARBOR, text, NOW, recent=REMINDED, engine=RULES).intent == intent


@pytest.mark.parametrize("text, person", [
    ("can you give the jars to lena? sam's stuck at the dentist", "lena"),
    ("sam should take over the opening, lena's sick", "sam"),
    ("let lena do the cooler since sam's slammed with walk-ins", "lena"),
])
def test_a_run_is_given_to_the_one_not_explained_about(text, person):
    assert understand(HARBOR, text, NOW, recent=ESCALATED, person=DANA, engine=RULES).person == person


@pytest.mark.parametrize("text, person, intent, pick, number", [
    ("2 listo", LENA, "done", 2, None),
    ("not doing the jars today, I'm off at noon", LENA, "skip", None, None),
    ("caja 1.310,25", LENA, "done", None, 1310.25),
    ("cash $1,318.40 - wait, $1,381.40, I swapped them", LENA, "done", None, 1381.4),
])
def test_a_reading_or_line_as_people_write_it(text, person, intent, pick, number):
    heard = understand(HARBOR, text, NOW, person=person, engine=RULES)
    assert (heard.intent, heard.pick, heard.number) == (intent, pick, number)
