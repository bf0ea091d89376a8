"""The texts escalation sends, each under 320 characters.

    to the assignee     Opening checklist was due at 9:30 AM (30m ago) and isn't done. Reply DONE
                        with a photo when it is, or 2t if you're on it.
    to a colleague      Lena hasn't done Opening checklist, due at 9:30 AM (1h ago). Can you do it?
                        Reply 1t to take it.
    to owner/manager    Lena hasn't done Opening checklist, due at 9:30 AM (2h ago); no answer from
                        Lena, Sam. Reply 3t to take it, 3x and a reason to excuse it, 3r and a name to
                        reassign it, or 3d with a photo if it's done.
    how it ended        #3 Opening checklist (9:00 AM): excused by Dana (supplier late).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from config.schema import Person, Task, Tenant
from confirmations.length import shorten
from recurring.proof import proof_kind, what_to_send

MAX_CHARS = 320
TITLE_CHARS = 60
DECIDERS = ("owner", "manager")  # may excuse, reassign and complete by code
ENDINGS = {
    "taken": "{actor} is on it",
    "reassigned": "{by} gave it to {actor}",
    "excused": "excused by {by}{note}",
    "done": "done by {actor}",
    "late": "done late by {actor}",
    "missed": "missed, nobody took it",
}


def step_text(tenant: Tenant, person: Person, *, title: str, assignee: str, task: Task | None,
              due_at: datetime, now: datetime, code: int, urgent: bool,
              unanswered: list[str] = ()) -> str:
    """The text one person gets for one step of a run's chain."""
    late = now - due_at
    when = f"due at {clock(due_at, now, tenant)}" + (f" ({ago(late)} ago)" if late >= timedelta(minutes=1) else "")
    title = shorten(title, TITLE_CHARS)
    if person.id == assignee:
        text = (f"{title} was {when} and isn't done. Reply DONE{_with_proof(task)} when it is, "
                f"or {code}t if you're on it.")
    else:
        name = name_of(tenant, assignee)
        waited = f"; no answer from {', '.join(unanswered)}" if unanswered else ""
        text = f"{name} hasn't done {title}, {when}{waited}. " + _how_to_answer(person, task, code)
    return fit(("URGENT: " if urgent else "") + text)


def call_text(tenant: Tenant, person: Person, *, title: str, assignee: str, due_at: datetime,
              now: datetime, urgent: bool, unanswered: list[str] = ()) -> str:
    """What a step by phone says (conversation/escalation_calls.py adds the keys to press)."""
    late = now - due_at
    when = f"due at {clock(due_at, now, tenant)}" + (f", {ago(late)} ago" if late >= timedelta(minutes=1) else "")
    who = "You haven't" if person.id == assignee else f"{name_of(tenant, assignee)} hasn't"
    waited = f" No answer from {', '.join(unanswered)}." if unanswered else ""
    return fit(f"This is Onward for {tenant.name}. {'Urgent. ' if urgent else ''}{who} done "
               f"{shorten(title, TITLE_CHARS)}, {when}.{waited}")


def _how_to_answer(person: Person, task: Task | None, code: int) -> str:
    if person.role not in DECIDERS:
        return f"Can you do it? Reply {code}t to take it."
    return (f"Reply {code}t to take it, {code}x and a reason to excuse it, {code}r and a name to "
            f"reassign it, or {code}d{_with_proof(task)} if it's done.")


def _with_proof(task: Task | None) -> str:
    if task is None or proof_kind(task) == "none":
        return ""
    return f" with {what_to_send(task)}"


def given_text(tenant: Tenant, *, title: str, by: str, task: Task | None, due_at: datetime,
               now: datetime, code: int) -> str:
    """To the person an owner or manager reassigned a run to."""
    return fit(f"{name_of(tenant, by)} gave you {shorten(title, TITLE_CHARS)} (was due "
               f"{clock(due_at, now, tenant)}). Reply DONE{_with_proof(task)} when it's finished, "
               f"or {code}t if you're on it.")


def ending_text(tenant: Tenant, *, code: int | None, title: str, slot: datetime, now: datetime,
                ending: str, actor: str | None, by: str | None, note: str | None) -> str:
    """How a run that escalated ended, for someone who was texted about it."""
    how = ENDINGS[ending].format(actor=name_of(tenant, actor), by=name_of(tenant, by),
                                 note=f" ({note})" if note else "")
    number = f"#{code} " if code is not None else ""
    return fit(f"{number}{shorten(title, TITLE_CHARS)} ({clock(slot, now, tenant)}): {how}.")


def name_of(tenant: Tenant, person_id: str | None) -> str:
    person = tenant.person(person_id) if person_id else None
    return person.name.split()[0] if person else (person_id or "someone")


def clock(moment: datetime, now: datetime, tenant: Tenant) -> str:
    """ "9:30 AM", or "Mon 9:30 AM" when not today (tenant-local)."""
    local = moment.astimezone(tenant.zone)
    text = local.strftime("%I:%M %p").lstrip("0")
    return text if local.date() == now.astimezone(tenant.zone).date() else f"{local:%a} {text}"


def ago(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours}h {rest}m" if rest else f"{hours}h"
    return f"{minutes // (24 * 60)}d"


def fit(text: str) -> str:
    return shorten(text, MAX_CHARS)
