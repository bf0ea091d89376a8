"""Clauses of a customer's text: those that ask, and those about something else they have on.

    "need a haircut tuesday 12:15. I have a call at 1:30"    the second clause is an aside
    "so sorry, flight home got moved up to tomorrow at 7am"   an aside: the flight's day and time
    "next tuesday 5:45 haircut pls. listing appt at 3"        the first asks (a service, "pls")
A time or a day said in an aside is that thing's, not the appointment's, when another clause
carries the request; a text that is all aside ("I get off at 5") keeps its times. A time said
in a clause that asks wins over one said beside it ("haircut tuesday 5:45 pls. listing at 3").
"""
from __future__ import annotations

import re

from agents.understanding.lexicon import CONCEPTS

# Clauses end at a sentence's end, a comma, a dash, or a word that starts an explanation.
CLAUSE_END = re.compile(r"[.!?;]+(?:\s+|$)|,\s*|\s[-–—]\s|\s(?=(?:so|but|because|cause|cuz|bc|pero|porque|xq|pq|ya que)\s)"
                        r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*")  # an emoji closes a thought too
# A clause about something else the customer has on: its times are that thing's, when another
# clause is the request ("need a haircut tuesday 12:15. I have a call at 1:30", "salgo a las 4").
ASIDE = re.compile(
    r"(?<!after )(?<!after the )(?<!after my )\b(?:flight|flying|flyin|plane|train|bus|interview|meeting|call|class|school"
    r"|colegio|jardin|practice|game|wedding|funeral|party|luncheon|club|doctor|dentist|surgery|court|exam|pickup"
    r"|pick up|dismissal|lab|therapy|recital|shift(?! (?:my|me|it|the|our|that|this|appt|appointment))|shifts"
    r"|(?<!would )(?<!does )(?<!will )(?<!could )(?<!might )(?<!that )(?<!this )(?<!it )work|working|workin|training|obra|trabajo|trabajar|oficina|reunion|junta|clase|escuela|medico|dentista|presenting|checkout"
    r"|check out|showings?|listing|open house|closing|dinner|church|choir|scrimmage|banquet|session|tournament"
    r"|offsite|presentation|misa|bautizo|fiesta)\b(?! ?\?| for\b| ok\b)"  # "does 5:30 work?" asks
    r"|\b(?:i have|i'?ve got|i got|got a|have a|has a|tengo|tiene)\b(?! to\b)(?! (?:an? |my |the |un |una )?(?:appointment|appt"
    r"|cita|haircut|cut|trim|booking|reservation|time|opening|slot|spot|hueco|espacio|lugar|algo|anything"
    r"|something|a las?|availab\w*|disponibilidad)\b)"
    r"|\b(?:off|out|land|lands|landing|arrive|arrives|arriving|ends?(?! of (?:the )?day)|done at|wheels up"
    r"|salgo|sale|entro|entra|termina|llego|llega|til+|until|hasta|nap|sleep)\b|\b(?:since|desde(?: las?)?) \d|\d ?(?:[ap]\.?m\.? )?starts?\b"
    r"|\bthat (?:day|night|morning|afternoon|evening)\b(?![^.!?]*\?)")  # "banquet is that night at 6:30"


SERVICE_WORDS = sorted({word for words in CONCEPTS.values() for word in words}, key=len, reverse=True)
# A clause that asks for the visit: a question, a request's verb, a service, a yes to a time.
REQUEST = re.compile(
    r"\?|\b(?:book|booking|appointment|appt|cita|turno|schedule|reschedule|resched|move|push|switch|change|bump"
    r"|come in|come by|fit|get in|get me|can|could|would|need|needs|want|wanna|like|please|pls|plz|porfa|quiero"
    r"|quisiera|puedo|puede|puedes|podria|podemos|agendar|agenda|mover|cambiar|pasar|instead|make it|how about"
    r"|what about|works?|ideal|good|fine|perfect|best|better|available|availability|free|open|any chance"
    r"|" + "|".join(map(re.escape, SERVICE_WORDS)) + r")\b")
def in_a_request(folded: str, position: int) -> bool:
    """Whether the clause at `position` asks."""
    clause = _clause_at(folded, position)
    return REQUEST.search(clause) is not None and ASIDE.search(clause) is None


def asks_elsewhere(folded: str) -> bool:
    """Whether some clause of the text is not an aside."""
    return not all(ASIDE.search(clause) for _, clause in _clauses(folded) if clause.strip(" ?!.,"))


def in_an_aside(folded: str, position: int) -> bool:
    return ASIDE.search(_clause_at(folded, position)) is not None


def _clause_at(folded: str, position: int) -> str:
    return next(clause for start, clause in reversed(_clauses(folded)) if start <= position)


def _clauses(folded: str) -> list[tuple[int, str]]:
    """The text's clauses, each with where it starts."""
    starts = [0, *(match.end() for match in CLAUSE_END.finditer(folded))]
    return [(start, folded[start:end]) for start, end in zip(starts, [*starts[1:], len(folded)])]
