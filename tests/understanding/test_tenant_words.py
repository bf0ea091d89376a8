"""A tenant file's own words: example texts (`examples:`) and other words for a task (`words:`)."""
from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from agents.understanding import understand
from agents.understanding.engine import Understander
from config.checks import cross_check
from config.schema import Tenant
from tests.understanding.test_tenant_setting import harbor_data

NOW = datetime.fromisoformat("2026-11-23T10:00:00-05:00")
RULES = Understander()


def tenant_with(**changes) -> Tenant:
    return Tenant(**{**harbor_data(), **changes})


def test_a_tenants_own_example_is_read_like_it():
    plain = tenant_with()
    own = tenant_with(examples=[{"from": "marco", "text": "park it till monday", "intent": "excuse"},
                                {"text": "can I get the usual", "intent": "book"}])
    marco = own.person("marco")
    assert understand(plain, "park it till monday", NOW, person=marco, engine=RULES).intent != "excuse"
    assert understand(own, "Park it till Monday!", NOW, person=marco, engine=RULES).intent == "excuse"
    assert understand(own, "can i get the usual?", NOW, engine=RULES).intent == "book"


def test_an_example_with_an_unknown_intent_or_sender_is_refused():
    with pytest.raises(ValidationError, match="'excuse' is not a customer's intent"):
        tenant_with(examples=[{"text": "park it", "intent": "excuse"}])
    problems = cross_check(tenant_with(examples=[{"from": "bob", "text": "park it", "intent": "excuse"}]))
    assert ("examples[0].from", "'bob' is not one of the people") in problems


def test_a_tasks_own_words_name_it():
    tasks = harbor_data()["tasks"]
    cash = next(t for t in tasks if t["id"] == "cash")
    plain, worded = tenant_with(), tenant_with(tasks=[{**t, "words": ["till"]} if t is cash else t for t in tasks])
    lena = plain.person("lena")
    assert understand(plain, "till is 1,204", NOW, person=lena, engine=RULES).task is None
    heard = understand(worded, "till is 1,204", NOW, person=lena, engine=RULES)
    assert (heard.intent, heard.task, heard.number) == ("done", "cash", 1204.0)
