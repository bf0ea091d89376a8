"""What a customer's text asks beyond the engine's intents, read from the text itself:

    is_greeting("hi"), is_greeting("buenos días!")          -> True   (the engine says unclear)
    unlisted(harbor, "do you do kids cuts?", heard)         -> True   kids: not in the file
    unlisted(harbor, "do you do fades?", heard)             -> False  a listed alias: a booking
    unlisted(harbor, "do you do waxing?", heard)            -> True

Onward claims only what the tenant file lists: a "do you do X?" naming anything beyond the
file's services (their names, ids and aliases) and faq is not answered "sure".
"""
from __future__ import annotations

import re
from functools import lru_cache

from agents.understanding.result import Understanding
from agents.understanding.services import match_service
from agents.understanding.text import fold, words
from config.schema import Service, Tenant

GREETING = re.compile(
    r"(?:(?:hi|hii+|hello|hey+|heya|hiya|howdy|yo|sup|good (?:morning|afternoon|evening|day)|morning"
    r"|hola+|buenas|buen dia|buenos dias|buenas (?:tardes|noches|dias)|que tal|que onda|saludos"
    r"|there|all|guys|folks|everyone|team|man|amigo|amigos)[\s,.!?¡¿]*)+")
# "do you do ...", "can you do ...", "y'all have ...", "¿hacen ...": whether the business does a thing
ASKS_IF = re.compile(
    r"^(?:(?:hi|hey|hello|hola|buenas)[\s,!.]+)?(?:(?:do|does|can|could|will|would)\s+(?:you|u|y'?all|ya)"
    r"(?:\s+guys)?|(?:you|u)\s+guys|y'?all)\s+(?:do|have|offer|cut|take|give|provide|carry|sell|make|work on)\b"
    r"|^(?:is|are) there\b"
    r"|^(?:ustedes\s+)?(?:hacen|tienen|ofrecen|cortan|atienden|dan|manejan|trabajan)\b")
# Words that ask without naming a thing: "do you have anything open for me?" names nothing unlisted.
PLAIN = frozenset("""
a an the any anything something some one ones open available availability space spot spots room time
times slot slots opening openings appointment appointments service services hair it this that these those
here there now still also too please pls plz guys y'all yall me my i we us our for with on in at of and
or to your you u shop place do does can get have offer still ever by like lol then
un una unos unas el la los las lo de del y o para con en al algo alguno alguna lugar espacio cita citas
servicio servicios pelo cabello aqui ahi ahora tambien por favor porfa ustedes me mi yo
""".split())


def is_greeting(text: str) -> bool:
    """ "hi", "hello there!", "buenos días": a greeting and nothing else."""
    folded = fold(text).strip()
    return bool(folded) and GREETING.fullmatch(folded) is not None


def unlisted(tenant: Tenant, text: str, heard: Understanding) -> bool:
    """A question whether the business does something its file doesn't list."""
    if heard.intent not in ("book", "faq", "unclear") or heard.faq or _has_when(heard):
        return False
    folded = fold(text).lstrip("¿¡ ")
    match = ASKS_IF.search(folded)
    if match is None:
        return False
    known = _known_words(tenant.services, tuple(f.q for f in tenant.faq))
    asked = [w for w in words(folded[match.end():]) if w not in PLAIN and not w.isdigit()]
    return any(w not in known and match_service(tenant.services, w) is None for w in asked)


def _has_when(heard: Understanding) -> bool:
    return any((heard.day, heard.time, heard.period, heard.at))


@lru_cache(maxsize=64)
def _known_words(services: tuple[Service, ...], faq: tuple[str, ...]) -> frozenset[str]:
    """Every word the file uses for its services and its faq topics."""
    names = [text for s in services for text in (s.name, s.id.replace("-", " "), *s.aliases)] + list(faq)
    return frozenset(w for text in names for w in words(fold(text).replace("-", " ")))
