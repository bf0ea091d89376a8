"""The customer texts' catalogs and the language detector, as tables."""
from __future__ import annotations

import pytest

from agents.language import choose, detect
from agents.templates import CATALOGS, fields_of


@pytest.mark.parametrize("lang", [lang for lang in CATALOGS if lang != "en"])
def test_every_language_has_every_template_with_the_same_fields(lang):
    english, other = CATALOGS["en"], CATALOGS[lang]
    assert set(other) == set(english)
    assert {name: fields_of(text) for name, text in other.items()} == {
        name: fields_of(text) for name, text in english.items()}


@pytest.mark.parametrize("text, lang", [
    ("quiero un corte mañana a las 3", "es"), ("¿a qué hora abren?", "es"), ("hola", "es"),
    ("can I get a haircut tomorrow at 3?", "en"), ("what are your hours?", "en"), ("thanks", "en"),
    ("ok", None), ("sí", None), ("3pm", None), ("C", None), ("👍", None), ("Lucía", None),
])
def test_the_language_a_text_is_written_in(text, lang):
    assert detect(text).lang == lang


@pytest.mark.parametrize("text, kept, answered_in", [
    ("ok", "es", "es"), ("yes", "es", "es"), ("sí", "en", "en"),  # a word alone never switches
    ("how much is a beard trim?", "es", "en"), ("quiero cancelar mi cita", "en", "es"),
    ("ok", None, "en"), ("hola", None, "es"),
])
def test_a_short_text_keeps_the_language_a_clear_one_switches_it(text, kept, answered_in):
    assert choose(text, kept) == answered_in
