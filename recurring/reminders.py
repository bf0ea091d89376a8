"""The reminder text a run sends its assignee, and when it may be sent (quiet hours).

    Opening checklist, due by 9:30 AM: Lights and music on; Stations wiped down;
    Fresh towels stocked. Reply DONE with a photo.

Texts stay under 320 characters (two SMS segments): the steps are cut first, then the
title. A person in quiet hours (tenant-local, e.g. 21:00-07:00, which wraps midnight)
is texted when their quiet hours end.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from config.schema import Person, ProofRule, Task
from confirmations.length import shorten

MAX_CHARS = 320


def reminder_text(task: Task, due_at: datetime, slot: datetime, zone: ZoneInfo) -> str:
    """Title, due time in the tenant's zone, steps, and what proof to send."""
    head = f"{task.title}, due by {due_phrase(due_at, slot, zone)}"
    tail = f" {proof_request(task)}"
    steps = "; ".join(task.steps)
    room = MAX_CHARS - len(head) - len(tail)
    if steps and room > len(": .") + 8:
        return f"{head}: {_stop(shorten(steps, room - len(': .')))}{tail}"
    return _stop(shorten(head, MAX_CHARS - len(tail) - 1)) + tail


@lru_cache(maxsize=1024)  # a tick asks it for every run of a slot
def due_phrase(due_at: datetime, slot: datetime, zone: ZoneInfo) -> str:
    """ "9:30 AM", with the weekday when it falls on another local day than the slot."""
    local = due_at.astimezone(zone)
    clock = local.strftime("%I:%M %p").lstrip("0")
    if local.date() != slot.astimezone(zone).date():
        clock += local.strftime(" %a")
    return clock


def proof_request(task: Task) -> str:
    proof = task.proof
    if isinstance(proof, ProofRule):
        return f"Reply DONE and the reading{_reading_hint(proof)}."
    return {"photo": "Reply DONE with a photo.", "text": "Reply DONE and a short note."}.get(
        proof, "Reply DONE.")


def _reading_hint(rule: ProofRule) -> str:
    number, unit = rule.number, f" in {rule.number.unit}" if rule.number.unit else ""
    bounds = (number.min, number.max)
    if None not in bounds:
        return f"{unit} ({_num(number.min)}-{_num(number.max)})"
    if number.min is not None:
        return f"{unit} (at least {_num(number.min)})"
    if number.max is not None:
        return f"{unit} (at most {_num(number.max)})"
    return unit


def _num(value: float) -> str:
    return f"{value:g}"




def _stop(text: str) -> str:
    """A full stop after `text`, unless it ends in one already ("...": cut short)."""
    return text if text.endswith(".") else text + "."


def remind_time(person: Person | None, slot: datetime, zone: ZoneInfo) -> datetime:
    """When to text `person` about a slot: at the slot, or when their quiet hours end."""
    if person is None or person.quiet_hours is None:
        return slot
    start, end = person.quiet_hours
    local = slot.astimezone(zone)
    if not in_quiet_hours(local.time(), start, end):
        return slot
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return max(slot, datetime.combine(day, end, tzinfo=zone).astimezone(slot.tzinfo))


def in_quiet_hours(clock: time, start: time, end: time) -> bool:
    """Is a local clock time within start-end (which may wrap midnight, e.g. 21:00-07:00)?"""
    if start == end:
        return False
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end
