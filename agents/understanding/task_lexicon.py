"""The everyday words for the things recurring work is about, in English and Spanish.

    "drawer counted", "caja: 1200"          -> a task titled "Closing cash count"
    "fridge is at 36", "la nevera marca 38" -> a task titled "Product cooler temperature"
    "listo los frascos"                     -> a task titled "Change the disinfectant jars"
A task whose title, id or `words:` has one of a concept's words is named by all of them,
as lexicon.py does for services, so a tenant need not list "drawer" beside "cash". These
words are matched exactly, not as typos ("bridge" is not "fridge"); a word shared by two
tasks names neither (tasks.py), and the agent asks which.
"""
from __future__ import annotations

from functools import lru_cache

CONCEPTS: tuple[frozenset[str], ...] = tuple(frozenset(words.split()) for words in (
    "cooler fridge refrigerator refridgerator refrigerador nevera refri heladera temp temperature temperatura",
    "freezer congelador",
    "cash drawer caja efectivo",  # not "till" (until) or "register" (sign up)
    "jars jar barbicide disinfectant frascos frasco desinfectante",
    "opening apertura abrir",
    "closing cierre cerrar",
    "note notes nota handoff",
    "bathroom restroom toilet washroom bano",
    "trash garbage rubbish basura",
    "towels towel laundry toallas",
    "floor floors mop sweep piso",
))


@lru_cache(maxsize=4096)
def related_words(words: frozenset[str]) -> frozenset[str]:
    """Every word of every concept that one of `words` belongs to."""
    return frozenset().union(*(concept for concept in CONCEPTS if concept & words))
