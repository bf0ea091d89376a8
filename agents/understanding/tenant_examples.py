"""A tenant's own example texts (`examples:` in its file): a text close to one reads like it.

    vote(tenant, person, "park it till monday")  -> ("excuse", 0.93)   Marco's own "park it"
    vote(tenant, None, "lineup tmrw")             -> None                nothing of theirs is close

They take effect when the file is loaded (config check, restart); the classifier's corpus is
the same for every tenant, so this is how one business's words are learned without retraining.
"""
from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz, process

from agents.understanding.text import fold
from config.schema import Person, Tenant

CLOSE = 88  # rapidfuzz's 0-100 similarity of the folded texts


def vote(tenant: Tenant, person: Person | None, text: str) -> tuple[str, float] | None:
    examples = _examples(tenant.examples, person is None)
    if not examples:
        return None
    found = process.extractOne(fold(text), list(examples), scorer=fuzz.ratio, score_cutoff=CLOSE)
    return (examples[found[0]], found[1] / 100) if found else None


@lru_cache(maxsize=64)
def _examples(examples, customers: bool) -> dict[str, str]:
    return {fold(e.text): e.intent for e in examples if (e.sender is None) == customers}
