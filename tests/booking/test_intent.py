"""Reading a customer's text in its conversation: names, picks and reminder letters."""
from __future__ import annotations

import pytest

from agents.booking.customers import clean_name
from agents.booking.intent import name_in


@pytest.mark.parametrize("text, name", [
    ("hi, this is Sam", "Sam"),
    ("this is sam lee, can I get a haircut tomorrow?", "Sam Lee"),
    ("My name is Ana María", "Ana María"),
    ("I'm Dave and I need a trim", "Dave"),
    ("it's Jo", "Jo"),
    ("I'm looking for a haircut", None),
    ("i'm free tomorrow", None),  # "i'm" takes a capital letter only
    ("I'm free tomorrow", None),
    ("this is urgent", None),
    ("it's for tomorrow", None),
    ("haircut tomorrow at 3", None),
    ("this is 555", None),
])
def test_names_in_texts(text, name):
    assert name_in(text) == name


@pytest.mark.parametrize("text, name", [
    ("sam", "Sam"), ("Sam O'Neil", "Sam O'Neil"), ("ana-maria lopez", "Ana-maria Lopez"), ("Sam.", "Sam"),
    ("", None), ("sam 2", None), ("a b c d e", None), ("x" * 61, None), ("3pm", None), ("!!", None),
    ("no thanks", None), ("no", None), ("skip", None), ("Skip.", None), ("nope", None), ("rather not", None),
    ("n/a", None), ("no thank you", None), ("Noah", "Noah"), ("Skipper", "Skipper"), ("Nora Lee", "Nora Lee"),
])
def test_a_name_as_people_write_it(text, name):
    assert clean_name(text) == name
