"""Which of the tenant's services a text names: by name, id or alias, as people spell them.

    "haircut", "hair cut", "a trim", "fades"       -> haircut (name, alias, plural)
    "beerd trim", "hiarcut", "colour", "colored"   -> beard, haircut, color (typos, spelling)
    "trim my beard"                                -> beard ("Beard trim", words in any order)
    "haircut and a shave", "corte y barba"         -> cut-beard (the service made of both)
Two services with no service made of both name nothing: the booking agent asks.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from agents.understanding.text import words
from config.schema import Service

# Other spellings and languages, mapped onto the words tenants write in their config.
SYNONYMS = {
    "colour": "color", "colouring": "color", "coloring": "color", "colored": "color", "coloured": "color",
    "dye": "color", "tinte": "color", "corte": "cut", "barba": "beard", "afeitado": "shave",
    "afeitar": "shave", "haircuts": "haircut", "n": "and", "&": "and", "y": "and", "+": "and",
    "hair-cut": "haircut",
}
# Words a typo check must leave alone: one letter away from a service word, but meant.
COMMON = frozenset("""
have heard hear bear bears board bread beers beard's share shape shade shake shove shame save
shaver made date fade face fake fame fate gate late mate rate wade cute colon
trip time tram them then than there their these those where while which white write
about after again being below could doing during every great house other right since still
thing think three today under until using would years your yours later hours close store price
""".split())
SPLITS = ("and", "with", "plus", "the", "a")


@dataclass(frozen=True)
class Index:
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # (words, service id), longest first
    vocabulary: tuple[str, ...]  # single words worth a typo check (5 letters or more)
    parts: tuple[tuple[str, frozenset[str]], ...]  # a service made of others: (id, their ids)


def match_service(services: tuple[Service, ...], folded: str) -> str | None:
    if not services:
        return None
    index = _index(services)
    found = set(_found(index, _canonical(index, words(folded))))
    found -= {part for sid, parts in index.parts if sid in found for part in parts}
    if len(found) <= 1:
        return next(iter(found), None)
    return next((sid for sid, parts in index.parts if parts == found), None)


def _found(index: Index, tokens: list[str]) -> list[str]:
    """Service ids named, in order, each word counted for one phrase at most."""
    taken = [False] * len(tokens)
    hits: list[tuple[int, str]] = []
    for phrase, sid in index.phrases:
        for start in _places(phrase, tokens, taken):
            hits.append((start, sid))
    return list(dict.fromkeys(sid for _, sid in sorted(hits)))


def _places(phrase: tuple[str, ...], tokens: list[str], taken: list[bool]):
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i:i + n]) == phrase and not any(taken[i:i + n]):
            taken[i:i + n] = [True] * n
            yield i
    if n > 1:  # the words of a longer name close together, in any order: "trim my beard"
        yield from _scattered(phrase, tokens, taken)


def _scattered(phrase: tuple[str, ...], tokens: list[str], taken: list[bool]):
    if not set(phrase) <= set(tokens):
        return
    window = len(phrase) + 2
    for i in range(len(tokens)):
        spots = [j for j in range(i, min(i + window, len(tokens))) if not taken[j] and tokens[j] in phrase]
        between = tokens[spots[0]:spots[-1]] if spots else []
        if {tokens[j] for j in spots} == set(phrase) and "and" not in between:
            for j in spots:
                taken[j] = True
            yield i


def _canonical(index: Index, tokens: tuple[str, ...]) -> list[str]:
    return [_canonical_word(index, token) for token in tokens]


def _canonical_word(index: Index, token: str) -> str:
    token = SYNONYMS.get(token, token)
    if token in index.vocabulary:
        return token
    if token.endswith("s") and token[:-1] in index.vocabulary:
        return token[:-1]
    if len(token) < 5 or token in COMMON:
        return token
    cutoff = 1 if len(token) < 7 else 2
    found = process.extractOne(token, index.vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=cutoff)
    return found[0] if found else token


@lru_cache(maxsize=64)
def _index(services: tuple[Service, ...]) -> Index:
    phrases = {(_phrase(text), s.id) for s in services for text in (s.name, s.id.replace("-", " "), *s.aliases)}
    phrases = sorted(((p, sid) for p, sid in phrases if p), key=lambda item: -len(item[0]))
    vocabulary = sorted({w for p, _ in phrases for w in p if len(w) >= 5} - COMMON
                        | {w for p, _ in phrases for w in p if len(p) == 1})
    return Index(tuple(phrases), tuple(vocabulary), tuple(_compounds(phrases)))


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(SYNONYMS.get(w, w) for w in words(text.casefold()))


def _compounds(phrases: list[tuple[tuple[str, ...], str]]):
    """A service whose name is made of other services' words: "Cut and beard" = haircut + beard."""
    single = {p[0]: sid for p, sid in phrases if len(p) == 1}
    for phrase, sid in phrases:
        parts = {single.get(w) for w in phrase if w not in SPLITS}
        if len(phrase) > 1 and None not in parts and len(parts) > 1 and sid not in parts:
            yield sid, frozenset(parts)
