"""What an understanding engine makes of one text: a typed result, whichever engine answered.

The rules engine is the default; a model engine may propose the same fields. Nothing
here is trusted yet: the decision agents check every field against the tenant's config.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

# Customer intents. "faq" with no `faq` entry is a question about the business that the
# tenant's configuration can't answer: it goes to the operator, nothing is invented.
CUSTOMER_INTENTS = ("book", "reschedule", "cancel", "hours", "prices", "faq", "operator",
                    "confirm", "decline", "unclear")
# A staff member's texts about their runs, and answers to an escalation by reply code.
STAFF_INTENTS = ("done", "tasks", "steps", "skip", "not_yet", "question", "take", "excuse", "reassign",
                 "unclear")
# Owners and managers also ask for the view of today and the findings, and acknowledge them.
OWNER_INTENTS = (*STAFF_INTENTS[:-1], "today", "findings", "acknowledge", "unclear")
PERIODS = ("morning", "afternoon", "evening")
# Readings Onward acts on by changing what is recorded: a run closed, a booking cancelled, an
# escalation excused or given away. Below the engine's ACT confidence these are asked, not done.
STATE_CHANGING = frozenset({"done", "cancel", "excuse", "reassign"})
ENGINES = ("rules", "openai")


@dataclass(frozen=True)
class Understanding:
    intent: str
    service: str | None = None  # a service id of the tenant
    day: date | None = None  # "tomorrow", "Fri", "the 12th"
    time: time | None = None  # "3pm", "at 3", "noon"
    period: str | None = None  # one of PERIODS: "next Tuesday afternoon"
    at: datetime | None = None  # an exact moment, aware, in the tenant's zone: "in 2 hours"
    faq: str | None = None  # the `q` of the tenant's faq entry asked about
    task: str | None = None  # a task id (staff texts)
    number: float | None = None  # a reading (staff texts)
    person: str | None = None  # a person id (owner texts)
    confidence: float = 1.0
    engine: str = "rules"  # which engine answered: one of ENGINES
    code: int | None = None  # the reply code answered: "3t" -> 3 (staff and owner texts)
    pick: int | None = None  # a line of a numbered list: "2 done" -> 2 (staff texts)
    fallback: str | None = None  # why the model's answer was not used: timeout, error, refusal, invalid...
    tokens: int = 0  # tokens the model used for this answer (0 for the rules)
    # What the agents of the tenant's people act on beyond the entities above (staff and owner texts):
    unit: str | None = None  # the reading's unit as written: "38F" -> "F", "$1,250" -> "USD"
    note: str | None = None  # the sender's own words: a reason ("3x supplier late"), a note ("3d gel reordered")
    letter: str | None = None  # a reply code's letter as written: "3t" -> "t", "4o sam" -> "o"
    task_words: str | None = None  # the words that named a task, as written: "give the plants to sam" -> "plants"
    person_words: str | None = None  # the words that named a person: "give cooler to bob" -> "bob"
    unsure_of: str | None = None  # intent "unclear": the state change this might have been, to ask about
    dropped: tuple[str, ...] = ()  # fields a model proposed that the checks refused: ("task",) not theirs
