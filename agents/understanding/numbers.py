"""Whether a number in a person's text is a reading, or counts something else.

    reading_in("cooler 38", 38)                             -> True
    reading_in("the cooler is broken, 3 bottles leaked", 3) -> False (it counts bottles)
    reading_in("give me 5 min", 5)                          -> False (a wait)
    reading_in("step 2 done?", 2)                           -> False (a step)
A reading closes a run, so a number that is not plainly one is left for the agent to ask about.
"""
from __future__ import annotations

import re

from agents.understanding.text import fold

# Words right after the number that make it a count, a duration or a clock time.
COUNTED = re.compile(
    r"^\s*(?:min|mins|minutes?|m\b|hrs?\b|hours?|h\b|secs?|seconds?|days?|weeks?|more\b|ahead|left\b|"
    r"bottles?|boxes?|jars?\b|towels?|customers?|clients?|people|ppl|guys|of (?:them|us|the)|times|x\b|"
    r"am\b|pm\b|o'?clock|:\d|y\b|minutos?|horas?|clientes?|botellas?|personas?)")
# Words right before it that make it a step, an order number, a clock time or a wait.
BEFORE = re.compile(
    r"(?:\bsteps?|#|\bno\.?|\bat|\bby|\bin|\bback in|\bgive me|\bgimme|\bbe there|\bfor|\btil+|\buntil|\bafter|"
    r"\ben|\ba las|\bpaso)\s*$")
NUMBER = re.compile(r"(?<![\w.])[$€£]?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")


def reading_in(text: str, value: float) -> bool:
    folded = fold(text)
    for match in NUMBER.finditer(folded):
        if float(match[1].replace(",", "")) != value:
            continue
        return not (COUNTED.search(folded[match.end():]) or BEFORE.search(folded[:match.start()]))
    return True  # written in words ("thirty eight"): the parser that found it vouches for it
