"""What a staff member's text asks for, as people really write it.

    "done", "Done!", "all done ✅", "did it", "opening done"   -> done
    "done 38", "38F", "it's 38", "2 done 38", "2 is 38"       -> done with a reading (and a pick)
    "tasks", "steps", "how", "can't, no towels", "skip ..."    -> tasks, steps, skip
    "not done yet", "almost done", "not yet, 10 min"          -> not_yet (10 minutes is no reading)
    "done?", "is cash done"                                    -> question
    anything else                                              -> unknown
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from recurring.proof import Reading, parse_reading

DONE = re.compile(r"\b(all\s+)?(done|finished|finish|complete|completed|did\s+(?:it|the|all|both)|all\s+set"
                  r"|listo|lista|listos|hecho|hecha|terminado|terminada|feito|feita)\b|✅|✔️?|☑️?")
NOT_YET = re.compile(r"\b(not|almost|nearly|haven'?t|havent|didn'?t|didnt|never|yet|soon)\b")
# Not finished, said first ("not yet, 10 min", "still on it") or as a wait ("in 10 min"): never a reading.
LATER = re.compile(r"^(?:not\s+(?:yet|done|finished)|almost|nearly|still|running\s+late|haven'?t|havent"
                   r"|didn'?t|didnt|will\s+do|soon)\b"
                   r"|\bin\s+(?:a\s+(?:bit|sec|min|minute)|\d+\s*(?:min|mins|minutes|hr|hrs|hours?))\b")
SKIP = re.compile(r"^\s*(can'?t|cannot|can\s+not|unable\s+to|skip(?:ping)?|not\s+doing|not\s+gonna\s+do"
                  r"|no\s+(?:puedo|voy\s+a)\s+hacer)\b[\s,.:;!-]*(?P<reason>.*)$",
                  re.IGNORECASE | re.DOTALL)
# "is cash done", "did sam finish the jars", "who had 4": asked, not told.
# ("is done the jars", "did it", "did all 4" are told.)
ASKED = re.compile(r"^(?:who|whose|what|which|when|where|why)\b"
                   r"|^(?:is|are|was|were|has|have|had)\s+(?!done|finished|complete|all\b)[a-z]"
                   r"|^(?:did|does|do)\s+(?:you|u|he|she|they|we|anyone|anybody|someone|somebody|everyone|"
                   r"[a-z]+\s+(?:do|finish|complete|get|check|count|change|write|send|make|take)\b)")
PICK = re.compile(r"^\s*#?(?P<n>\d{1,2})\s*[.):-]?(?:\s+(?P<rest>.*))?$", re.DOTALL)
# "2 is 38", "2 = 1,455", "2: 36F": a line of the list and its reading, nothing else.
PICKED_READING = re.compile(r"^(?:is|was|=|reads|reading|->|:)?\s*[$]?\s*[\d,]+(?:\.\d+)?\s*"
                            r"(?:°\s*f?|f|degrees|usd|dollars|bucks)?[.!]?$")
TASKS = frozenset({"tasks", "task", "list", "my tasks", "todo", "to do", "whats open", "what's open",
                   "open", "what is open", "today"})
STEPS = frozenset({"steps", "step", "how", "how to", "instructions"})
FILLER = frozenset({"all", "it", "its", "it's", "is", "the", "i", "did", "done", "finished", "finish",
                    "complete", "completed", "set", "and", "a", "an", "at", "was", "of", "for", "temp",
                    "reading", "now", "just", "ok", "okay", "yes", "here", "with", "my", "photo", "pic"})


@dataclass(frozen=True)
class Command:
    kind: str  # done | tasks | steps | skip | not_yet | question | unknown
    words: tuple[str, ...] = ()  # words that may name a task
    reading: Reading | None = None
    pick: int | None = None  # "2" or "2 done": an answer to a numbered list
    reason: str = ""  # why a run is skipped
    note: str = ""  # a text proof given apart from the message (an answer's "3d gel reordered")


def parse_command(text: str, has_media: bool = False) -> Command:
    folded = _fold(text)
    if not folded:
        return Command("done" if has_media else "unknown")
    pick = PICK.match(folded)
    if pick and pick["rest"] and PICKED_READING.match(pick["rest"]):
        return Command("done", (), parse_reading(pick["rest"]), pick=int(pick["n"]))
    if pick and (pick["rest"] is None or DONE.search(pick["rest"])):
        inner = parse_command(pick["rest"] or "done", has_media)
        bare = Reading(float(pick["n"]), None) if pick["rest"] is None else None
        if inner.kind == "done":
            return Command("done", inner.words, inner.reading or bare, pick=int(pick["n"]))
    return _command_of(text, folded, has_media)


def _command_of(text: str, folded: str, has_media: bool) -> Command:
    bare = folded.strip(" ?!.")
    if skip := SKIP.match(text.strip()):
        return Command("skip", _words(folded), reason=skip["reason"].strip(" .!"))
    if bare in TASKS:
        return Command("tasks")
    if bare in STEPS or folded.startswith(("how do i", "steps for", "how to ")):
        return Command("steps", _words(folded))
    if LATER.search(folded) and not folded.endswith("?"):
        return Command("not_yet", _words(folded))
    if DONE.search(folded) or has_media:
        return _done(folded)
    if parse_reading(folded) is not None:
        if asked(folded):
            return Command("question", _words(folded))  # "who had 4", "what's 4 again?"
        return Command("done", _words(folded), parse_reading(folded))
    return Command("unknown", _words(folded))


def _done(folded: str) -> Command:
    if folded.rstrip().endswith("?") or asked(folded):
        return Command("question", _words(folded))
    if NOT_YET.search(folded):
        return Command("not_yet")
    return Command("done", _words(folded), parse_reading(folded))


def asked(folded: str) -> bool:
    """Whether the clause that says done (or the first) is asked: "why'd I get this, did the jars" is told."""
    clauses = [c.strip() for c in re.split(r"[,.;!?]+", folded) if c.strip()]
    said = next((c for c in clauses if DONE.search(c)), clauses[0] if clauses else "")
    return ASKED.search(said) is not None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").casefold()).strip()


def _words(folded: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z][a-z'-]*", folded)
    return tuple(w for w in words if w not in FILLER and len(w) > 1)


def note_of(text: str) -> str:
    """A text proof's note: the message without a leading "done"."""
    return re.sub(r"^\s*(all\s+)?(done|finished|complete|completed)\b[\s:,.!-]*", "", text,
                  flags=re.IGNORECASE).strip()
