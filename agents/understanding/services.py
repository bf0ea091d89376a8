"""Which of the tenant's services a text names: by name, id or alias, or the trade's word for it.

    "haircut", "hair cut", "a trim", "fades"       -> haircut (name, alias, plural)
    "beerd trim", "hiarcut", "colour", "fdae"      -> beard, haircut, color, haircut (typos, spelling)
    "trim my beard"                                -> beard ("Beard trim", words in any order)
    "low taper", "highlights", "hot towel shave"   -> haircut, color, beard (lexicon.py: words no alias lists)
    "haircut and a shave", "corte y barba"         -> cut-beard (the service made of both)
Two services with no service made of both name nothing: the booking agent asks.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from agents.understanding.lexicon import CONCEPTS
from agents.understanding.text import words
from config.schema import Service

# Other spellings, mapped onto the words tenants write in their config.
SYNONYMS = {
    "colour": "color", "colouring": "color", "coloring": "color", "colored": "color", "coloured": "color",
    "haircuts": "haircut", "n": "and", "&": "and", "y": "and", "+": "and", "hair-cut": "haircut",
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
class Phrase:
    words: tuple[str, ...]
    service: str
    scattered: bool  # the tenant's own names: their words may come in any order ("trim my beard")


@dataclass(frozen=True)
class Index:
    phrases: tuple[Phrase, ...]  # longest first
    words: frozenset[str]  # every word of a phrase: "tapers" is "taper"
    vocabulary: tuple[str, ...]  # the tenant's own words worth a typo check (5 letters or more)
    swapped: dict[str, str]  # the tenant's 4-letter words by their sorted letters: "fdae" -> "fade"
    parts: tuple[tuple[str, frozenset[str]], ...]  # a service made of others: (id, their ids)


JOINED = re.compile(r"(?<=[a-z])[+&/](?=[a-z])")  # "cut+beard", "cut&beard", "cut/beard": two services


def match_service(services: tuple[Service, ...], folded: str) -> str | None:
    if not services:
        return None
    index = _index(services)
    found = set(_found(index, _canonical(index, words(JOINED.sub(" and ", folded)))))
    found -= {part for sid, parts in index.parts if sid in found for part in parts}
    if len(found) <= 1:
        return next(iter(found), None)
    return next((sid for sid, parts in index.parts if parts == found), None)


def _found(index: Index, tokens: list[str]) -> list[str]:
    """Service ids named, in order, each word counted for one phrase at most."""
    taken = [False] * len(tokens)
    present = set(tokens)
    hits: list[tuple[int, str]] = []
    for phrase in index.phrases:
        if present.issuperset(phrase.words):
            hits.extend((start, phrase.service) for start in _places(phrase, tokens, taken))
    return list(dict.fromkeys(sid for _, sid in sorted(hits)))


def _places(phrase: Phrase, tokens: list[str], taken: list[bool]):
    words_, n = phrase.words, len(phrase.words)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i:i + n]) == words_ and not any(taken[i:i + n]):
            taken[i:i + n] = [True] * n
            yield i
    if n > 1 and phrase.scattered:  # the words of a longer name close together, in any order
        yield from _scattered(words_, tokens, taken)


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
    token = SYNONYMS.get(token, token).removesuffix("-ish")  # "balayage-ish"
    if token in index.words:
        return token
    if token.endswith("s") and token[:-1] in index.words:
        return token[:-1]
    if len(token) < 5 or token in COMMON:
        return _swapped(index, token) if len(token) == 4 and token not in COMMON else token
    cutoff = 1 if len(token) < 7 else 2
    found = process.extractOne(token, index.vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=cutoff)
    return found[0] if found else token


def _swapped(index: Index, token: str) -> str:
    """A 4-letter word of the tenant's with two letters swapped: "fdae", "tirm"."""
    word = index.swapped.get("".join(sorted(token)))
    return word if word and DamerauLevenshtein.distance(token, word) == 1 else token


@lru_cache(maxsize=64)
def _index(services: tuple[Service, ...]) -> Index:
    own = {(_phrase(text), s.id) for s in services for text in (s.name, s.id.replace("-", " "), *s.aliases)}
    own = {(p, sid) for p, sid in own if p}
    parts = tuple(_compounds(own))
    phrases = [Phrase(p, sid, True) for p, sid in own] + list(_trade_phrases(own, {sid for sid, _ in parts}))
    phrases.sort(key=lambda phrase: -len(phrase.words))
    vocabulary = sorted({w for p, _ in own for w in p if len(w) >= 5} - COMMON | {p[0] for p, _ in own if len(p) == 1})
    swapped = {"".join(sorted(w)): w for w in vocabulary if len(w) == 4}
    return Index(tuple(phrases), frozenset(w for phrase in phrases for w in phrase.words), tuple(vocabulary),
                 swapped, parts)


def _trade_phrases(own: set[tuple[tuple[str, ...], str]], compounds: set[str]):
    """The lexicon's words for each concept the tenant has one service for, unless a word is the tenant's own."""
    theirs = {p for p, _ in own}
    for concept in TRADE_WORDS:
        service = _service_of(concept, own, compounds)
        if service is not None:
            yield from (Phrase(p, service, False) for p in concept if p not in theirs)


def _service_of(concept: frozenset[tuple[str, ...]], own: set[tuple[tuple[str, ...], str]],
                compounds: set[str]) -> str | None:
    """The one service named by a word of the concept ("Color"), else the one with such a word in its name."""
    named = {sid for p, sid in own if p in concept and sid not in compounds}
    if not named:
        single = {p[0] for p in concept if len(p) == 1}
        named = {sid for p, sid in own if sid not in compounds and single.intersection(p)}
    return named.pop() if len(named) == 1 else None


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(SYNONYMS.get(w, w) for w in words(text.casefold()))


def _compounds(own: set[tuple[tuple[str, ...], str]]):
    """A service whose name is made of other services' words: "Cut and beard" = haircut + beard."""
    single = {p[0]: sid for p, sid in own if len(p) == 1}
    for phrase, sid in own:
        parts = {single.get(w) for w in phrase if w not in SPLITS}
        if len(phrase) > 1 and None not in parts and len(parts) > 1 and sid not in parts:
            yield sid, frozenset(parts)


TRADE_WORDS = tuple(frozenset(_phrase(p) for p in phrases) for phrases in CONCEPTS.values())
