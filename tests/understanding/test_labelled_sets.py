"""The labelled sets: their size and mix (issue 12), and the engine on the training split.

The figures that count are the frozen test split's, printed by bench/understanding.py and
reported in the README; the suite guards the floor they must not fall below.
"""
from __future__ import annotations

import pytest

from agents.understanding import understand
from agents.understanding.engine import Understander
from tests.understanding.labelled import Example, Score, load_examples, seen_texts, tenant_named

RULES = Understander()


def score_of(examples: list[Example]) -> Score:
    score = Score()
    for e in examples:
        tenant = tenant_named(e.tenant)
        person = tenant.person(e.sender) if e.sender else None
        score.add(e, understand(tenant, e.text, e.now, e.recent, person=person, has_media=e.media, engine=RULES))
    return score


@pytest.fixture(scope="module")
def train() -> Score:
    return score_of(load_examples("train"))


def test_the_splits_are_big_and_varied():
    splits = {name: load_examples(name) for name in ("train", "dev", "test")}
    everything = [e for examples in splits.values() for e in examples]
    assert len(everything) >= 1500 and all(len(s) >= 200 for s in splits.values())
    assert sum(e.group == "people" for e in everything) >= 0.4 * len(everything)
    assert sum(e.lang == "es" for e in everything) >= 0.1 * len(everything)
    assert {e.sender for e in splits["test"] if e.sender} == {"lena", "sam", "marco", "dana"}


def test_the_test_split_is_mostly_unseen():
    """Written apart from the training texts, the test split shares only everyday short answers
    with them ("3t", "nope", "👍"); bench/understanding.py scores the unseen ones apart too."""
    learned = seen_texts()
    test = load_examples("test")
    assert sum((e.text.casefold(), e.sender) in learned for e in test) < 0.15 * len(test)


def test_the_training_split_is_read(train):
    """A training figure (the classifier saw these texts): it shows the learning took, nothing more."""
    assert train.intent_accuracy >= 0.97, "\n".join(train.misses)
    assert train.misread_rate <= 0.005, "\n".join(train.misreads)


def test_a_trained_model_is_kept_for_the_next_start_and_refreshed_when_the_corpus_changes(tmp_path, monkeypatch):
    from agents.understanding import classifier as learned

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for file in sorted(learned.CORPUS.glob("customers*.yaml"))[:2] + sorted(learned.CORPUS.glob("people*.yaml"))[:2]:
        (corpus / file.name).write_bytes(file.read_bytes())
    monkeypatch.setattr(learned, "SAVED", [tmp_path / "models"])
    learned._trained.cache_clear()
    try:
        first = learned._trained(corpus)
        [saved] = (tmp_path / "models").glob("intent-*.pickle")
        learned._trained.cache_clear()
        again = learned._trained(corpus)  # loaded, not trained: the same answers
        features = learned.Features("can I get a haircut tomorrow at 3", "customers")
        assert again.probabilities(features) == first.probabilities(features)
        (corpus / "more.yaml").write_text('now: "2026-11-23T10:00:00-05:00"\ntenant: harbor-barbers\n'
                                          'messages:\n  - {text: "can I get the usual", intent: book}\n')
        learned._trained.cache_clear()
        learned._trained(corpus)
        [renewed] = (tmp_path / "models").glob("intent-*.pickle")
        assert renewed != saved  # a new corpus: trained anew, the old model gone
    finally:
        learned._trained.cache_clear()
