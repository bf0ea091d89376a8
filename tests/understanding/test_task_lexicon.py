"""Everyday words name a task without the tenant listing them, and readings written in
words are read when a reading word says they are one."""
from __future__ import annotations

import pytest

from agents.understanding import understand
from tests.understanding.test_tenant_words import NOW, RULES, tenant_with

HARBOR = tenant_with()
LENA = HARBOR.person("lena")


@pytest.mark.parametrize(("text", "task"), [
    ("fridge is at 36", "cooler"),
    ("the drawer had 1,204", "cash"),
    ("listo los frascos", "jars"),
    ("nevera: 37", "cooler"),
])
def test_an_everyday_word_names_the_task(text, task):
    assert understand(HARBOR, text, NOW, person=LENA, engine=RULES).task == task


@pytest.mark.parametrize("text", ["water under the bridge, let it go", "won't be back till 2"])
def test_a_word_one_letter_from_a_related_one_names_nothing(text):
    assert understand(HARBOR, text, NOW, person=LENA, engine=RULES).task is None


@pytest.mark.parametrize(("text", "task", "number"), [
    ("cooler's reading forty", "cooler", 40.0),
    ("cooler done, thirty eight", "cooler", 38.0),
    ("caja: mil doscientos", "cash", 1200.0),
    ("la nevera marca treinta y ocho", "cooler", 38.0),
])
def test_a_reading_in_words_is_read(text, task, number):
    heard = understand(HARBOR, text, NOW, person=LENA, engine=RULES)
    assert (heard.intent, heard.task, heard.number) == ("done", task, number)


@pytest.mark.parametrize("text", [
    "drawer counted, one thousand two fifty",  # "1002 50": two numbers, so no reading
    "two of us on the cash tonight",  # a count, not a reading
    "I counted the cash once",  # English "once", not Spanish eleven
])
def test_words_that_are_not_plainly_one_reading_record_none(text):
    assert understand(HARBOR, text, NOW, person=LENA, engine=RULES).number is None
