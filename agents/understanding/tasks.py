"""Which task, and which person, a staff or owner text names.

    match_task(tasks, "cash count done 1250")   -> "cash"   (its id, or a word of its title)
    match_task(tasks, "jars changed")           -> "jars"
    match_person(people, "Lena")                -> "lena"   (id or first name, any case)
    misheard_person(people, "put Lina on it")   -> "lena"   (voice-to-text, a letter off)
A word naming two tasks names neither: the agent asks which.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from agents.understanding.task_lexicon import related_words
from agents.understanding.text import fold, words
from config.schema import Person, Task

SHORT = 3  # title words this short ("the", "of") name nothing
# Title words too everyday to name a task alone: "power was out all morning" is not about the
# "End-of-day note for the morning shift", nor "low on 5s for change" about "Change the jars";
# two of them together ("for the morning shift") do name it.
GENERIC = frozenset("""morning afternoon evening night day days daily week weekly today tonight shift end start
    first last change check make take give done product thing stuff""".split())
TYPO_LENGTH = 6  # a word this long may be a typo of a task's word ("coller"); "noted" is not "notes"


def task_words(task: Task) -> frozenset[str]:
    return _title_words(task.id, task.title, task.words)


@lru_cache(maxsize=4096)  # every staff text weighs every task it may name
def _title_words(task_id: str, title: str, other: tuple[str, ...] = ()) -> frozenset[str]:
    said = {w for w in words(fold(" ".join((title, *other))).replace("-", " ")) if len(w) > SHORT}
    return frozenset(said | {task_id, *task_id.split("-")})


@lru_cache(maxsize=4096)
def _stems(names: frozenset[str]) -> frozenset[str]:
    return frozenset(_stem(w) for w in names)


def match_task(tasks: tuple[Task, ...], text: str) -> str | None:
    said = {_stem(w) for w in words(fold(text).replace("-", " ")) if len(w) > 2}
    scores = {task.id: _hits(said, task) for task in tasks}
    best = max(scores.values(), default=0)
    winners = [tid for tid, score in scores.items() if score == best]
    return winners[0] if best >= 1 and len(winners) == 1 else None


HEADER_WORDS = frozenset("""ok okay here here's heres is the my a an for of to tomorrow tmrw tonight today today's
    todays eod end day morning shift this""".split())


def names_only(task: Task, header: str) -> bool:
    """Whether every word of a note's header names the task or is filler ("ok here's the note")."""
    names = _stems(task_words(task)) | _stems(related_words(task_words(task)))
    return all(w in HEADER_WORDS or _stem(w) in names for w in words(fold(header).replace("-", " ")))


def _hits(said: set[str], task: Task) -> float:
    names = _stems(task_words(task))
    related = _stems(related_words(task_words(task)))  # "fridge" for a cooler, exactly: not "bridge"
    return sum(0.5 if w in GENERIC and w not in task.id else 1.0
               for w in said if w in names or w in related or _close(w, names))


def _close(word: str, names: set[str]) -> bool:
    if len(word) < TYPO_LENGTH:
        return False
    return process.extractOne(word, names, scorer=DamerauLevenshtein.distance, score_cutoff=1) is not None


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def match_person(people: tuple[Person, ...], name: str) -> str | None:
    said = fold(name).split()
    if not said:
        return None
    first = said[0].strip(".,!?")
    for person in people:
        if first in (person.id, fold(person.name).split()[0]):
            return person.id
    return None


# A name as voice-to-text spells it: capitalised inside a sentence, one letter off ("Lina", "Marko").
SPELT_NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{3,}\b")
NAME_LENGTH = 4  # shorter names are a letter away from everyday words ("Sam": "same", "ham")


def misheard_person(people: tuple[Person, ...], text: str) -> str | None:
    """The one person a capitalised word inside a sentence is a letter away from: "put Lina on it"."""
    found = {person.id for match in SPELT_NAME.finditer(text) for person in people
             if len(first := fold(person.name).split()[0]) >= NAME_LENGTH
             and Levenshtein.distance(match[0].casefold(), first) == 1}
    return found.pop() if len(found) == 1 else None


def tasks_of(tasks: tuple[Task, ...], person: Person, everyone: bool,
             open_tasks: tuple[str, ...] = ()) -> tuple[Task, ...]:
    """The tasks a person may act on: their own, those they back up and those of the runs they
    have open now (`open_tasks`: taken, or given to them), or all for owners."""
    if everyone:
        return tasks
    return tuple(t for t in tasks if person.id in (t.owner, t.backup) or t.id in open_tasks)
