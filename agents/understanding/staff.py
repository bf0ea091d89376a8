"""The rules engine for texts from the tenant's people: the staff and owner parsers, typed.

The rules themselves live beside the agents that act on them: an answer to an escalation
by reply code (recurring/codes.py), an owner's or manager's ask (agents/owner_intent.py), a
staff command about their runs (agents/staff_intent.py), tried in that order. This module
types what they read as an `Understanding`, with the task and person resolved to ids and
the words the agents need kept (a reason, a note, a reading's unit, a name no one has); the
staff chain (agents/person_intent.py) asks once per text and its agents act on the result.

    "3t"                   -> take, code 3
    "give cooler to lena"  -> reassign, task cooler, person lena      (owners and managers)
    "cooler 38"            -> done, task cooler, number 38
    "2 done"               -> done, pick 2
"""
from __future__ import annotations

import re
from dataclasses import replace

from agents.owner_intent import OWNER_ROLES, OwnerAsk, parse_owner_text
from agents.staff_intent import Command, parse_command
from agents.understanding.numbers import reading_in, with_spelled_reading
from agents.understanding.result import Understanding
from agents.understanding.rules import ANSWERED
from agents.understanding.signals import INJECTION
from agents.understanding.tasks import match_person, match_task, names_only, tasks_of
from agents.understanding.text import fold
from config.schema import Person, Tenant
from recurring.codes import Answer, parse_answer
from recurring.proof import Reading, parse_reading

SURE, LIKELY, UNSURE = 0.95, 0.8, 0.3
# A short header, then the rest: "handoff note: chair 2 is sticking" (a note under its task's name).
HEADER = re.compile(r"^(?P<header>(?:[^\s:.\-–—]+ ){0,5}[^\s:.\-–—]+)\s*(?::|\.|\s[-–—])\s+(?P<body>\S.{8,})$", re.DOTALL)
# A reply code as speech-to-text writes it ("three T", "six A", "five X we were closed", read where it
# opens the text) and as it mishears one ("three are Sam", "for oh Lena", "tree ex", "to a got it",
# read anywhere, but only when the person has that code open: "for a" and "to a" are everyday words).
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
SOUNDS_LIKE_NUMBER = {"won": 1, "to": 2, "too": 2, "tree": 3, "free": 3, "for": 4, "fore": 4, "ate": 8,
                      **{word: n for n, word in enumerate(NUMBER_WORDS, start=1)}}
SOUNDS_LIKE_LETTER = {"t": "t", "tea": "t", "tee": "t", "x": "x", "ex": "x", "r": "r", "are": "r", "our": "r",
                      "d": "d", "dee": "d", "a": "a", "ay": "a", "eh": "a", "o": "o", "oh": "o"}
MISHEARD_CODE = re.compile(rf"\b({'|'.join(SOUNDS_LIKE_NUMBER)})\s+({'|'.join(SOUNDS_LIKE_LETTER)})\b(?!')",
                           re.IGNORECASE)
CODE_OFFERED = re.compile(r"\breply (\d{1,2})[txrdao]\b", re.IGNORECASE)  # "Reply 3t to take it", "Reply 2A if..."
MOST_LISTED = 9  # a number this small alone may answer a numbered list; a bigger one is a reading
# Asking about a task needs no hold on it: any of the business's tasks may be named.
ASKS_ABOUT = frozenset({"question", "steps"})
ANSWER_LETTERS = {"take": "t", "excuse": "x", "reassign": "r", "done": "d"}  # as recurring/codes.py reads them
TO = re.compile(r"^to\s+", re.IGNORECASE)
HAVE_DO = re.compile(r"^(?:(?:please|pls|ok|okay|so|can you|could you|go ahead and|let'?s)\s+)*(?:have|get|let|tell|ask)\s+"
                     r"(?P<name>[a-z]+)\s+(?:to\s+)?(?:do|take care of|handle|cover|take|grab|finish|deal with)\b"
                     r"(?:\s+(?P<task>.+))?$")
# Phrasings the parsers above leave unknown (or read as a reading: "not yet, 10 min"),
# tried in order; the first pattern that matches names the intent.
NOT_YET = re.compile(r"^(?:not (?:yet|done)|almost|nearly|still|running late|will do|didn'?t get to|haven'?t"
                     r"|later|l8r|halfway|half way)\b")
EXTRA: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:what (?:do i have|do i need to do|are my tasks|is on my list)|what'?s on my list|my list"
                r"|what(?:'?s| is) (?:open|due|left)(?: for me)?|anything (?:open|due|left) for me)\b"), "tasks"),
    (re.compile(r"\b(?:steps|instructions|how do i)\b"), "steps"),
    (re.compile(r"\b(?:i can'?t|i cannot|i can not|can'?t get to|unable to)\b"), "skip"),
    (re.compile(r"^(?:listo|lista|terminado|termine|hecho|ya quedo)\b"), "done"),
)
OWNER_EXTRA: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:findings?|patterns?)\b"), "findings"),
    (re.compile(r"\b(?:how are we doing|what'?s going on|whats going on|status)\b"), "today"),
    (re.compile(r"^(?:got it|ok|okay|noted|thanks|thank you|seen)\b"), "acknowledge"),
)


def understand_staff(tenant: Tenant, person: Person, text: str, has_media: bool = False,
                     open_tasks: tuple[str, ...] = ()) -> Understanding:
    """`open_tasks`: tasks of the runs the person has open now (taken, or given to them)."""
    owner = is_owner(person)
    tasks = tasks_of(tenant.tasks, person, owner, open_tasks)
    if INJECTION.search(fold(text)):
        return Understanding(intent="unclear", confidence=SURE)
    if (answer := parse_answer(text)) is not None:
        return _from_answer(tenant, answer)
    if owner and (ask := parse_owner_text(text.rstrip("? "))) is not None:
        return _from_ask(tenant, ask)
    if owner and (given := _have_someone_do(tenant, text)) is not None:
        return given
    folded = fold(text)
    if NOT_YET.search(folded):
        return Understanding(intent="not_yet", task=match_task(tasks, text), confidence=LIKELY)
    if (note := _headed_note(tasks, folded)) is not None:
        return note
    command = parse_command(with_spelled_reading(text), has_media)
    heard = _from_command(command, tenant.tasks if command.kind in ASKS_ABOUT else tasks, text)
    if heard.intent == "tasks" and owner and not tasks_of(tenant.tasks, person, False):
        return replace(heard, intent="today")  # nothing of their own: the business's view of today
    return heard if heard.intent != "unclear" else _extra(text, folded, owner, heard)


def _have_someone_do(tenant: Tenant, text: str) -> Understanding | None:
    """ "Please have Sam take care of the jars today", "get lena to do the cash": a run given, in words,
    to one of the business's people (a name no one has is left to the classifier and a question)."""
    for clause in re.split(r"[.!;]\s+|,\s*", fold(text)):
        match = HAVE_DO.search(clause)
        person = match_person(tenant.people, match["name"]) if match else None
        if person is not None:
            said = match["task"] or ""
            if code := re.match(r"#?(\d{1,2})\b", said):  # "have Sam take 3": run #3, as "3r sam"
                return Understanding(intent="reassign", person=person, code=int(code[1]), letter="r",
                                     person_words=match["name"], confidence=SURE)
            return Understanding(intent="reassign", person=person, task=match_task(tenant.tasks, said),
                                 person_words=match["name"], task_words=said or None, confidence=SURE)
    return None


def _extra(text: str, folded: str, owner: bool, heard: Understanding) -> Understanding:
    for pattern, intent in (*EXTRA, *(OWNER_EXTRA if owner else ())):
        if pattern.search(folded):
            note = text.strip() if intent == "skip" else None  # "I can't, leaving early": the reason
            return replace(heard, intent=intent, note=note, confidence=LIKELY)
    return heard


def _headed_note(tasks, folded: str) -> Understanding | None:
    """ "handoff note: ...", "here's the note - ...", "note for the morning shift. ...": a short
    header that names a task taking a text proof and nothing else, then the note itself.
    "note to self: call the supplier" names something else."""
    match = HEADER.match(folded)
    if match is None:
        return None
    task_id = match_task(tasks, match["header"])
    task = next((t for t in tasks if t.id == task_id), None)
    if task is None or task.proof != "text" or not names_only(task, match["header"]):
        return None
    return Understanding(intent="done", task=task.id, confidence=ANSWERED)


def spoken_codes(text: str, open_codes: frozenset[int]) -> str:
    """ "three T" -> "3t"; "three are Sam he's there" -> "3r Sam he's there" when 3 is one of the
    person's open codes."""
    opening = len(text) - len(text.lstrip())

    def digits(match: re.Match[str]) -> str:
        said, letter = match[1].casefold(), match[2].casefold()
        number = SOUNDS_LIKE_NUMBER[said]
        plain = match.start() == opening and said in NUMBER_WORDS and len(letter) == 1  # "three T", said as written
        return f"{number}{SOUNDS_LIKE_LETTER[letter]}" if number in open_codes or plain else match[0]
    return MISHEARD_CODE.sub(digits, text)


def codes_offered(recent: tuple[str, ...]) -> frozenset[int]:
    """The reply codes the conversation's last texts offered ("Reply 3t to take it")."""
    return frozenset(int(n) for said in recent[-3:] for n in CODE_OFFERED.findall(said))


def is_owner(person: Person) -> bool:
    return person.role in OWNER_ROLES


def _from_answer(tenant: Tenant, answer: Answer) -> Understanding:
    reading = parse_reading(answer.rest) if answer.action == "done" and answer.rest else None
    if reading is not None and not reading_in(answer.rest, reading.value):
        reading = None  # "4d, did them before my 11:00": a clock time, not the run's reading
    named = TO.sub("", answer.rest).strip(" .!").casefold() if answer.action == "reassign" else ""  # "3r to lena"
    letter = ANSWER_LETTERS[answer.action] if answer.number is not None else None
    return Understanding(intent=answer.action, code=answer.number, letter=letter, note=answer.rest or None,
                         person=match_person(tenant.people, named) if named else None,
                         person_words=named or None, **_reading(reading), confidence=SURE)


def _from_ask(tenant: Tenant, ask: OwnerAsk) -> Understanding:
    task = match_task(tenant.tasks, ask.task) if ask.task else None
    person = match_person(tenant.people, ask.name) if ask.name else None
    letter = None if ask.code is None else "a" if ask.kind == "acknowledge" else "o"
    return Understanding(intent=ask.kind, code=ask.code, letter=letter, task=task, person=person,
                         task_words=ask.task or None, person_words=ask.name or None, confidence=SURE)


def _from_command(command: Command, tasks, text: str) -> Understanding:
    if command.kind == "unknown":
        return Understanding(intent="unclear", task=match_task(tasks, text), confidence=UNSURE)
    pick = command.pick if command.pick is not None and command.pick <= MOST_LISTED else None
    return Understanding(intent=command.kind, task=match_task(tasks, " ".join(command.words) or text),
                         pick=pick, note=command.reason or command.note or None, **_reading(command.reading),
                         confidence=SURE)


def _reading(reading: Reading | None) -> dict:
    return {"number": reading.value, "unit": reading.unit} if reading else {}
