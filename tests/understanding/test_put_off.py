"""A done put off to later is not yet done; one of another day is not today's done. Neither
closes a run."""
from __future__ import annotations

import pytest

from agents.understanding import understand
from tests.understanding.test_tenant_words import NOW, RULES, tenant_with

HARBOR = tenant_with()
SAM = HARBOR.person("sam")


@pytest.mark.parametrize("text", ["done by noon", "I'll be done with the jars by 11", "cooler will be done in 10"])
def test_a_done_put_off_is_not_yet(text):
    assert understand(HARBOR, text, NOW, person=SAM, engine=RULES).intent == "not_yet"


@pytest.mark.parametrize("text", ["did the jars last night", "cooler done yesterday"])
def test_a_done_of_another_day_closes_nothing(text):
    assert understand(HARBOR, text, NOW, person=SAM, engine=RULES).intent not in ("done", "take")
