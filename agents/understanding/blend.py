"""Rules and classifier together: one intent, its entities, and a confidence Onward acts on.

    blend(ask, rules_heard, {"cancel": 0.8, ...}) -> Understanding

The rules are precise where they fire (reply codes, keywords, services, times, readings) and
blind elsewhere; the classifier has seen many ways of saying each thing but reads no entities.
Each intent scores RULES_WEIGHT x the rules' confidence (for the rules' intent) plus the rest x
the classifier's probability; the best wins, with that score as its confidence. Entities come
from the rules' reading of the text, re-read when the winning intent is not theirs.

A reading that would change state (done, cancel, excuse, reassign) below ACT is not acted on:
it becomes `unclear` with `unsure_of` set, and the agents ask one short question instead.
"""
from __future__ import annotations

import re
from dataclasses import replace

from agents.staff_intent import DONE as DONE_WORDS, asked
from agents.understanding.faq import match_faq
from agents.understanding.numbers import reading_in, with_spelled_reading
from agents.understanding.result import STATE_CHANGING, Understanding
from agents.understanding.rules import ANSWERED
from agents.understanding.signals import CANCEL as CANCEL_WORDS, OFFERED
from agents.understanding.staff import ASKS_ABOUT, is_owner
from agents.understanding.tasks import match_person, match_task, misheard_person, tasks_of
from agents.understanding.tenant_examples import vote
from agents.understanding.text import fold, words
from recurring.proof import proof_kind

RULES_WEIGHT = 0.1
SURE, SURE_WEIGHT = 0.95, 0.3  # a rule that is sure (a reply code, a keyword) may weigh more
MOVE_WORDS = 0.8  # the rules' confidence in a move that their words carry (LIKELY)
FLOOR = 0.3  # below this nothing is read: unclear, and no question about a state change
UNSURE = 0.3
ACT = 0.6  # below this a state change is asked about, not made (tuned on the dev split)
DECIDER_ONLY = frozenset({"excuse", "reassign", "today", "findings", "acknowledge"})
CODED = frozenset({"take", "excuse", "reassign", "acknowledge"})
# A reply code is a number that opens the text, follows "#", "ack", "excuse"..., or carries its
# letter ("3t", "2a"); not any small number: "here in 5", "till 8", "leaving at 6" name no run.
CODE = re.compile(r"^#?(\d{1,2})(?:[a-z]{1,2})?\b(?!'|\s*clock)|#(\d{1,2})\b"
                  r"|\b(?:ack|code|number|excuse|take|reassign)\s*#?(\d{1,2})\b(?!\s*(?:min|hour|hr|sec))"
                  r"|\b(\d{1,2})[txroad]\b|^[txroad](\d{1,2})\b")  # "t5", "A2" too
REASON = frozenset({"skip", "excuse"})
NOT = r"(?:\b(?:don'?t|do not|dont|not|never|no need to|wasn'?t (?:gonna|going to)|won'?t|no (?:quiero|voy a))\s+(?:\w+\s+)?)"
NEGATED = {"cancel": re.compile(NOT + r"(?:cancel|cancelar)"), "excuse": re.compile(NOT + r"excus"),
           "reassign": re.compile(NOT + r"(?:reassign|give|move|hand)"),
           "done": re.compile(NOT + r"(?:done|finished|complete|listo|lista|terminad)")}
HEDGED = re.compile(r"\b(?:maybe|should|might|let me check|thinking (?:of|about)|wondering|what if|"
                    r"is it possible|can we|could we|should we|can i say|"  # asking whether to, not doing it
                    r"asking (?:if|whether|about)|asked (?:if|whether)|wants? to know|quiere saber|fwd|forwarding|"
                    r"tal vez|quizas?|deberia)\b")
# Asking leave ("is it ok if my friend comes, she won't get anything") changes nothing.
PERMISSION = re.compile(r"^(?:(?:hey|hi|hello|so|also|quick question)\W+)?(?:is it (?:ok|okay|alright|all right|fine|cool)"
                        r"|would it be (?:ok|okay|alright|fine)|is that (?:ok|okay|alright|fine)|(?:do|would) (?:you|u) mind"
                        r"|am i allowed|are we allowed|may i)\b")
HEDGED_REASSIGN = re.compile(HEDGED.pattern.replace(r"should|", ""))  # "sam should do it" is an owner's say-so
# The words that make each change outright, in the clause that says them.
SAYS_IT = {"done": DONE_WORDS, "cancel": CANCEL_WORDS}
LATER = re.compile(r"\b(?:(?:done|finished|listo|lista) (?:with \w+(?: \w+)? )?(?:by|at|around|before|after|in)\b|"
                   r"i'?ll be done|will be done|gonna be done)")
DONE_AT = re.compile(r"\b(?:done|finished|completed|listo|lista) (?:at|around) (?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?"
                     r" ?(?:(?P<ap>[ap])\.?m\b)?")
# "I'll do the jars in 15", "I'll get to the fridge when this fade is done": later, unless it answers
# an escalation, where it takes the run on ("I'll take care of it after my 10:45").
PUT_OFF = re.compile(r"\bi'?ll (?:do|get to|get|handle|knock out|hit)\b.{0,30}?\b(?:in (?:\d+|a (?:bit|sec|min|few))"
                     r"|when|after|later|once|tonight|soon|at \d)\b")
WAIT = re.compile(r"\bgive (?:me|her|him|them|us|it) (?:\d+|a (?:few|min|minute|sec|second|bit)|five|ten|fifteen)\b")
NEGATIVE = re.compile(r"\b(?:no|not|nope|nah|never|can'?t|cant|cannot|won'?t|wont|don'?t|dont|ya no|nao|declined?)\b"
                      r"(?! (?:problem|prob|worries|worry|doubt)\b)")
ESCALATION = re.compile(r"\breply \d+t\b|\bto take it\b", re.IGNORECASE)
LENIENT = re.compile(r"\b(?:a pass|a break|some slack|off the hook|slide)\b")  # "give lena a pass" excuses, it hands nothing
POLITE = re.compile(r"\bexcuse me\b|\bperdon(?:e|a)?me\b")  # "excuse me, who ate my sandwich" excuses no run
# Leaving, with no task named: nothing closed ("done for the day", "see you monday", "clocking out").
OFF_DUTY = re.compile(r"\bdone for (?:the day|today|the night|tonight|the week)\b|\bsee (?:you|ya|u) (?:tomorrow|tmrw|monday"
                      r"|tuesday|wednesday|thursday|friday|saturday|later)\b|\bclock(?:ing|ed)? out\b|\bheading (?:out|home)\b")
TO_SELF = re.compile(r"^(?:note|reminder|memo) (?:to|for) (?:self|myself|me)\b")  # a note, but not the task's
PAST = re.compile(r"\b(?:yesterday|last night|ayer|anoche)\b")
SEPARATOR = re.compile(r"\s[-–—]\s|[:,;]\s*|\.\s+")
POINTED = re.compile(r"\b(?:it|that|this|them|that one|this one)\b")
POSSESSIVE = re.compile(r"'s$")
SHORT_ASK = 3  # "excuse it", "let it slide": words that give no reason of their own


def blend(ask, heard: Understanding, probabilities: dict[str, float]) -> Understanding:
    if _coded(heard):
        return heard  # "3t, sam's off": the code and its letter say what to do, whatever else is said
    if heard.confidence >= ANSWERED:
        return heard  # "beard", after "which service?": the conversation says what it is, not the words alone
    read_a_number = heard.number is not None
    heard = _checked_number(ask, heard)
    counted = read_a_number and heard.number is None  # "3 jars cracked": the number counts, it reads nothing
    if ask.person is not None and heard.person is None:
        heard = replace(heard, person=_person(ask, heard.intent))
    scores = _scores(ask, heard, probabilities)
    intent = max(scores, key=scores.get)
    confidence = round(min(1.0, scores[intent]), 3)
    result = replace(heard, confidence=confidence) if intent == heard.intent else _reread(ask, heard, intent,
                                                                                          confidence)
    if result.confidence < FLOOR and result.intent != "unclear":
        return replace(result, intent="unclear")
    if result.intent in ("done", "take") and (LATER.search(fold(ask.text)) and not _done_earlier(ask) or _put_off(ask)) or (
            result.intent in STATE_CHANGING and WAIT.search(fold(ask.text))):
        return replace(result, intent="not_yet")  # "done by noon", "I'll be done with the jars by 11"
    if result.intent == "done" and heard.intent in ("done", "question") and asked(fold(ask.text)):
        return _reread(ask, heard, "question", result.confidence)  # "is cash done": asked about, not told
    if result.intent == "cancel" and _declines_an_offer(ask):
        return replace(result, intent="decline")  # "I'm afraid not", to "Reply YES to book": no booking to cancel
    if result.intent in STATE_CHANGING and _unsure(ask, result, counted):
        return replace(result, intent="unclear", unsure_of=result.intent)
    return result


def _unsure(ask, result: Understanding, counted: bool) -> bool:
    """A change worth a question rather than acting: not sure enough, held back in words, or a
    done that closes nothing it names (leaving for the day; a number that turned out to count)."""
    if result.confidence < ACT or _held_back(ask.text, result.intent):
        return True
    if result.intent != "done":
        return False
    return _off_duty(ask, result) or counted and not _says_done(ask) and not _takes_text(ask, result.task)


def _off_duty(ask, heard: Understanding) -> bool:
    """ "done for the day, peace ✌️": leaving, with no task, reading or photo to close."""
    named = (heard.task, heard.number, heard.code, heard.pick)
    return not ask.has_media and named == (None,) * 4 and OFF_DUTY.search(fold(ask.text)) is not None


def _says_done(ask) -> bool:
    return ask.has_media or DONE_WORDS.search(fold(ask.text)) is not None


def _done_earlier(ask) -> bool:
    """ "Opening checklist done at 9:14", sent at 10: the time it was done, not one promised. Of the
    two readings of the hour (am, pm), the one nearer now decides."""
    said = DONE_AT.search(fold(ask.text))
    if said is None:
        return False
    now = ask.now.astimezone(ask.tenant.zone)
    hour, minute = int(said["h"]) % 12, int(said["m"] or 0)
    halves = [said["ap"]] if said["ap"] else ["a", "p"]
    moments = [now.replace(hour=hour + (12 if half == "p" else 0), minute=minute, second=0, microsecond=0)
               for half in halves]
    nearest = min(moments, key=lambda moment: abs(moment - now))
    return nearest <= now


def _declines_an_offer(ask) -> bool:
    offered = bool(ask.recent) and OFFERED.search(ask.recent[-1]) is not None
    return ask.person is None and offered and not CANCEL_WORDS.search(fold(ask.text))


def _put_off(ask) -> bool:
    answering = bool(ask.recent) and ESCALATION.search(ask.recent[-1]) is not None
    return not answering and PUT_OFF.search(fold(ask.text)) is not None


def _held_back(text: str, intent: str) -> bool:
    """ "don't cancel, I'm on my way", "not done, cooler is at 45", "maybe marco should do the
    cash", "done last night", "¿ya quedó o falta?", "give lena a pass": the change is denied,
    hedged, of another day, asked about or not the one it looks like, not made. Onward asks instead."""
    folded = fold(text)
    return NEGATED[intent].search(folded) is not None or _hedged(folded, intent) or (
        PERMISSION.search(folded) is not None) or (
        intent == "done" and (PAST.search(folded) is not None or folded.rstrip().endswith("?")
                              or TO_SELF.search(folded) is not None)) or (
        intent == "reassign" and LENIENT.search(folded) is not None) or (
        intent == "excuse" and POLITE.search(folded) is not None)


def _hedged(folded: str, intent: str) -> bool:
    """A hedge in the clause that makes the change, or anywhere when no clause says it outright:
    "done, and someone should order more concentrate" is done; "should be done by now" is not.
    "marco should do it", from an owner, gives the run to Marco."""
    clauses = [c for c in re.split(r"[,.;!?]\s*|\s[-–—]\s|\s(?=(?:and|but|so)\s)", folded) if c.strip()]
    cue = SAYS_IT.get(intent)
    said = [c for c in clauses if cue is not None and cue.search(c)]
    hedge = HEDGED_REASSIGN if intent == "reassign" else HEDGED
    return any(hedge.search(c) for c in said or clauses)


def _scores(ask, heard: Understanding, probabilities: dict[str, float]) -> dict[str, float]:
    allowed = _allowed(ask, probabilities)
    if heard.intent != "confirm" and NEGATIVE.search(fold(ask.text)):
        allowed.discard("confirm")  # "cant make it", after "Reply C to confirm": a no is never a yes
    if heard.intent == "reschedule" and heard.confidence >= MOVE_WORDS:
        # Booking and moving share every word but the move's own ("resched", "instead", "push it"),
        # which the rules found: the classifier's "book" is a vote for booking something, the move.
        probabilities = {**probabilities, "reschedule": probabilities.get("reschedule", 0.0)
                         + probabilities.get("book", 0.0), "book": 0.0}
    if heard.intent == "book" and ask.person is None and ask.recent and OFFERED.search(ask.recent[-1]):
        # "wed instead?", to Onward's offer: a counter-offer; nothing is booked yet to move.
        probabilities = {**probabilities, "book": probabilities.get("book", 0.0)
                         + probabilities.get("reschedule", 0.0), "reschedule": 0.0}
    weight = SURE_WEIGHT if heard.confidence >= SURE else RULES_WEIGHT
    scores = {i: (1 - weight) * p for i, p in probabilities.items() if i in allowed}
    scores[heard.intent] = scores.get(heard.intent, 0.0) + weight * heard.confidence
    if (own := vote(ask.tenant, ask.person, ask.text)) is not None and own[0] in allowed:
        intent, closeness = own  # the business's own words outweigh what was learned elsewhere
        scores = {i: score * (1 - closeness) for i, score in scores.items()}
        scores[intent] = scores.get(intent, 0.0) + closeness
    return scores


def _allowed(ask, probabilities: dict[str, float]) -> set[str]:
    if ask.person is None or is_owner(ask.person):
        return set(probabilities)
    return set(probabilities) - DECIDER_ONLY


def _coded(heard: Understanding) -> bool:
    """A reply code answered with its letter ("3x", "2r sam") is as sure as a button."""
    return heard.code is not None and heard.letter is not None


def _reread(ask, heard: Understanding, intent: str, confidence: float) -> Understanding:
    """The entities that go with an intent the rules did not pick."""
    if ask.person is None:
        faq = match_faq(ask.tenant.faq, fold(ask.text)) if intent == "faq" else None
        return replace(heard, intent=intent, faq=faq, confidence=confidence, engine="rules")
    everyone = is_owner(ask.person) or intent in ASKS_ABOUT
    tasks = tasks_of(ask.tenant.tasks, ask.person, everyone, ask.open_tasks)
    code = _code(ask.text) if intent in CODED else None
    person = _person(ask, intent)
    return Understanding(intent=intent, task=_task_named(tasks, ask.text, code), code=code, person=person,
                         number=heard.number if intent == "done" else None,
                         unit=heard.unit if intent == "done" else None,
                         note=reason_in(ask.text) if intent in REASON else None, confidence=confidence,
                         engine="rules")


def _task_named(tasks, text: str, code: int | None) -> str | None:
    """The task the change is about: named in its own clause, else anywhere in the text, unless
    that clause already points at a run by its code or as "it" ("give it to sam, he's closing
    tonight" gives the run asked about, not the cash count "closing" brings to mind)."""
    said, _, rest = _split(text.strip())
    if (named := match_task(tasks, said)) is not None or not rest:
        return named
    if code is not None or POINTED.search(fold(said)):
        return None
    return match_task(tasks, text)


def reason_in(text: str) -> str | None:
    """ "Excuse it - Ava had a family emergency" -> "Ava had a family emergency"; "excuse it" -> None."""
    _, sep, rest = _split(text.strip())
    if sep and rest:
        return rest
    return text.strip() if len(text.split()) > SHORT_ASK else None


def _split(text: str) -> tuple[str, str, str]:
    match = SEPARATOR.search(text)
    return (text[:match.start()], match[0], text[match.end():].strip()) if match else (text, "", "")


def _code(text: str) -> int | None:
    found = {int(n) for groups in CODE.findall(fold(text).strip()) for n in groups if n}
    return found.pop() if len(found) == 1 else None


def _person(ask, intent: str) -> str | None:
    """The one person of the tenant the text names ("have Sam do it", "sam's got it"), if one. A
    run given to someone names whoever is out too ("hand the opening to Sam, Lena's stuck in
    traffic"): the one given it is the one not said to be away or explained about."""
    folded = fold(ask.text)
    named = {p for w in words(folded) if (p := match_person(ask.tenant.people, POSSESSIVE.sub("", w)))}
    if not named and (misheard := misheard_person(ask.tenant.people, ask.text)) is not None:
        named = {misheard}
    if intent == "reassign":
        named.discard(ask.person.id)
        if len(named) > 1:
            named -= _explained_about(ask, folded)
    return named.pop() if len(named) == 1 else None


def _explained_about(ask, folded: str) -> set[str]:
    """The people of a reason beside the reassignment: "lena's out", "since Sam's doing color"."""
    found = set()
    for clause in re.split(r"[,.;!?]\s*|\s[-–—]\s", folded):
        reason = re.match(r"\s*(?:since|because|cause|cuz|bc|as)\b", clause) is not None
        for word in words(clause):
            person = match_person(ask.tenant.people, POSSESSIVE.sub("", word))
            if person and (reason or POSSESSIVE.search(word)):
                found.add(person)
    return found


def _checked_number(ask, heard: Understanding) -> Understanding:
    """A number is a reading only where the text reads as one ("cooler 38", not "give me 5 min" or
    "3 bottles") and a task the sender may name asks for one. A done the rules read from a number
    alone loses its confidence with it."""
    if ask.person is None or heard.number is None:
        return heard
    if reading_in(with_spelled_reading(ask.text), heard.number) and _asks_reading(ask, heard.task):
        return heard
    sure = heard.intent != "done" or _says_done(ask)
    return replace(heard, number=None, unit=None, confidence=heard.confidence if sure else UNSURE)


def _takes_text(ask, task_id: str | None) -> bool:
    """ "End of day note: Lena opens at 9...": a note is its own proof, whatever numbers it holds."""
    task = next((t for t in ask.tenant.tasks if t.id == task_id), None)
    return task is not None and proof_kind(task) == "text"


def _asks_reading(ask, task_id: str | None) -> bool:
    tasks = tasks_of(ask.tenant.tasks, ask.person, is_owner(ask.person), ask.open_tasks)
    if task_id is not None:
        tasks = tuple(t for t in tasks if t.id == task_id)
    return any(proof_kind(t) == "number" for t in tasks)
