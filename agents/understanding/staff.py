"""The rules engine for texts from the tenant's people: the staff and owner parsers, typed.

The rules themselves live beside the agents that act on them, and run here in the same
order as the staff chain (routing/router.py): an answer to an escalation by reply code
(recurring/codes.py), then an owner's or manager's ask (agents/owner.py), then a staff
command about their runs (agents/staff_intent.py). This module only types what they
read as an `Understanding`, with the task and person resolved to ids.

    "3t"                   -> take, code 3
    "give cooler to lena"  -> reassign, task cooler, person lena      (owners and managers)
    "cooler 38"            -> done, task cooler, number 38
    "2 done"               -> done, pick 2
"""
from __future__ import annotations

import re
from dataclasses import replace

from agents.owner import OWNER_ROLES, OwnerAsk, parse_owner_text
from agents.staff_intent import Command, parse_command
from agents.understanding.result import Understanding
from agents.understanding.signals import INJECTION
from agents.understanding.tasks import match_person, match_task, tasks_of
from agents.understanding.text import fold
from config.schema import Person, Tenant
from recurring.codes import Answer, parse_answer
from recurring.proof import parse_reading

SURE, LIKELY, UNSURE = 0.95, 0.8, 0.3
MOST_LISTED = 9  # a number this small alone may answer a numbered list; a bigger one is a reading
# Phrasings the parsers above leave unknown (or read as a reading: "not yet, 10 min"),
# tried in order; the first pattern that matches names the intent.
NOT_YET = re.compile(r"^(?:not (?:yet|done)|almost|nearly|still|running late|will do|didn'?t get to|haven'?t)\b")
EXTRA: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:what (?:do i have|are my tasks|is on my list)|whats on my list|what'?s on my list|my list)\b"),
     "tasks"),
    (re.compile(r"\b(?:steps|instructions|how do i)\b"), "steps"),
    (re.compile(r"\b(?:i can'?t|i cannot|i can not|can'?t get to|unable to)\b"), "skip"),
    (re.compile(r"^(?:listo|lista|terminado|termine|hecho|ya quedo)\b"), "done"),
)
OWNER_EXTRA: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:findings?|patterns?)\b"), "findings"),
    (re.compile(r"\b(?:how are we doing|what'?s going on|whats going on|status)\b"), "today"),
    (re.compile(r"^(?:got it|ok|okay|noted|thanks|thank you|seen)\b"), "acknowledge"),
)


def understand_staff(tenant: Tenant, person: Person, text: str, has_media: bool = False) -> Understanding:
    owner = is_owner(person)
    tasks = tasks_of(tenant.tasks, person, owner)
    if INJECTION.search(fold(text)):
        return Understanding(intent="unclear", confidence=SURE)
    if (answer := parse_answer(text)) is not None:
        return _from_answer(tenant, answer)
    if owner and (ask := parse_owner_text(text.rstrip("? "))) is not None:
        return _from_ask(tenant, ask)
    folded = fold(text)
    if NOT_YET.search(folded):
        return Understanding(intent="not_yet", task=match_task(tasks, text), confidence=LIKELY)
    heard = _from_command(parse_command(text, has_media), tasks, text)
    if heard.intent == "tasks" and owner and not tasks_of(tenant.tasks, person, False):
        return replace(heard, intent="today")  # nothing of their own: the business's view of today
    return heard if heard.intent != "unclear" else _extra(tenant, folded, tasks, owner, heard)


def _extra(tenant: Tenant, folded: str, tasks, owner: bool, heard: Understanding) -> Understanding:
    for pattern, intent in (*EXTRA, *(OWNER_EXTRA if owner else ())):
        if pattern.search(folded):
            return replace(heard, intent=intent, confidence=LIKELY)
    task = tenant.task(heard.task) if heard.task else None
    if task is not None and task.proof == "text" and folded.split(":")[0] != folded:
        return replace(heard, intent="done", confidence=LIKELY)  # "end of day note: low on oil"
    return heard


def is_owner(person: Person) -> bool:
    return person.role in OWNER_ROLES


def _from_answer(tenant: Tenant, answer: Answer) -> Understanding:
    reading = parse_reading(answer.rest) if answer.action == "done" and answer.rest else None
    person = match_person(tenant.people, answer.rest) if answer.action == "reassign" else None
    return Understanding(intent=answer.action, code=answer.number, person=person,
                         number=reading.value if reading else None, confidence=SURE)


def _from_ask(tenant: Tenant, ask: OwnerAsk) -> Understanding:
    task = match_task(tenant.tasks, ask.task) if ask.task else None
    person = match_person(tenant.people, ask.name) if ask.name else None
    return Understanding(intent=ask.kind, code=ask.code, task=task, person=person, confidence=SURE)


def _from_command(command: Command, tasks, text: str) -> Understanding:
    if command.kind == "unknown":
        return Understanding(intent="unclear", task=match_task(tasks, text), confidence=UNSURE)
    pick = command.pick if command.pick is not None and command.pick <= MOST_LISTED else None
    reading = command.reading
    return Understanding(intent=command.kind, task=match_task(tasks, " ".join(command.words) or text),
                         number=reading.value if reading else None, pick=pick, confidence=SURE)
