"""Texts cut short stay within their limit and in GSM-7: one character outside it (the
one-character ellipsis, a curly quote, an emoji) makes the whole text UCS-2, and a
segment holds 70 characters instead of 160."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from config.schema import Person, Task, Tenant
from confirmations.bundles import BUNDLE_CHARS, bundle_head, item_line
from confirmations.length import shorten
from recurring.escalation_texts import MAX_CHARS, TITLE_CHARS, ending_text, step_text
from recurring.reminders import reminder_text

# GSM 03.38 default alphabet, without the escape table (those cost two characters each)
GSM7 = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
LENA = Person(id="lena", name="Lena", phone="+16175550103")
DANA = Person(id="dana", name="Dana Reyes", phone="+16175550101", role="owner")
WORDY = "Deep clean the espresso machine, grinder and milk steam wand " * 8
TASK = Task(id="clean", title=WORDY, cadence="0 9 * * *", due="30m", owner="lena", proof="photo",
            steps=tuple(f"Step number {i} with some words" for i in range(30)))
HARBOR = Tenant(tenant="harbor", name="Harbor", timezone="America/New_York", numbers=("+16175550100",),
                api_token="token-harbor", people=(DANA, LENA), tasks=(TASK,))
NOON = datetime.fromisoformat("2026-11-23T12:00:00-05:00")


def in_gsm7(text: str) -> bool:
    return set(text) <= GSM7


@pytest.mark.parametrize("room", [4, 10, TITLE_CHARS, MAX_CHARS])
def test_shorten_keeps_to_its_room_with_three_dots(room):
    text = shorten(WORDY, room)
    assert len(text) <= room and text.endswith("...") and in_gsm7(text)


def test_a_reminder_cut_short_stays_in_two_segments_of_gsm7():
    text = reminder_text(TASK, NOON + TASK.due, NOON, HARBOR.zone)
    assert len(text) <= 320 and in_gsm7(text)
    assert "..." in text and "...." not in text and text.endswith(" Reply DONE with a photo.")
    bare = TASK.model_copy(update={"steps": ()})
    assert reminder_text(bare, NOON + bare.due, NOON, HARBOR.zone).endswith("... Reply DONE with a photo.")


def test_escalation_texts_with_a_long_title_stay_short_and_gsm7():
    due = NOON - timedelta(hours=1)
    step = step_text(HARBOR, DANA, title=WORDY, assignee="lena", task=TASK, due_at=due, now=NOON, code=3,
                     urgent=True, unanswered=["Somebody"] * 40)
    ending = ending_text(HARBOR, code=3, title=WORDY, slot=NOON, now=NOON, ending="excused", actor=None,
                         by="dana", note=WORDY)
    for text in (step, ending):
        assert len(text) <= MAX_CHARS and text.endswith("...") and in_gsm7(text)


def test_a_bundle_of_wordy_items_stays_in_gsm7():
    item = item_line(1, f"{WORDY[:150]}. Reply 3t to take it.")
    assert item.endswith("; reply 3t") and in_gsm7(item)
    bundle = "\n".join([bundle_head(2), item, item_line(2, WORDY[:120])])
    assert len(bundle) <= BUNDLE_CHARS and in_gsm7(bundle)
