"""The learned layer: an intent classifier on word and character n-grams, trained on the corpus.

    classifier().probabilities(Features(text="won't make it tmrw", group="customers"))
        -> {"cancel": 0.81, "reschedule": 0.09, ...}

Two logistic regressions, one for customers and one for the tenant's people, learn from
agents/understanding/corpus/ (the training split; never the dev or test sets). They are trained by
this code the first time a process asks (half a second on 2 cores; create_app starts it) and
kept under var/models for the next start, so nothing is downloaded and nothing binary is kept
in the repository. What the text can't say is added as marker words:
a photo came with it, the sender is an owner or manager, Onward's last text asked a question.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import make_pipeline, make_union

from agents.owner_intent import OWNER_ROLES
from agents.understanding.examples import CORPUS, Labelled, load_labelled
from agents.understanding.text import fold

log = logging.getLogger(__name__)
DIGITS = re.compile(r"\d")
ASKED = re.compile(r"\?\s*$|\breply (?:yes|y|c)\b|\bwhich one\b|\b(?:ok|okay)\?", re.IGNORECASE)
TOKENS = r"(?u)\b\w+\b|[^\w\s]"  # words, and every other sign alone: "?", "👍", "$"
SHORTHAND = {
    "cant": "can't", "wont": "won't", "dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't",
    "im": "i'm", "ive": "i've", "cxl": "cancel", "cxld": "cancelled", "cncl": "cancel", "pls": "please",
    "plz": "please", "u": "you", "ur": "your", "thx": "thanks", "thnx": "thanks", "appt": "appointment",
    "resched": "reschedule", "wk": "week", "wknd": "weekend", "b4": "before", "bc": "because",
    "cuz": "because", "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tmrow": "tomorrow",
    "tomorow": "tomorrow", "tommorow": "tomorrow", "2morrow": "tomorrow", "2moro": "tomorrow", "2day": "today",
    "tonite": "tonight", "2nite": "tonight", "q": "que", "xq": "porque", "tmb": "tambien", "pa": "para",
}
SHORTHAND_WORD = re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, SHORTHAND)) + r")(?![\w'])")


@dataclass(frozen=True)
class Features:
    text: str
    group: str  # customers | people
    role: str | None = None  # the sender's role, for the tenant's people
    media: bool = False
    recent: tuple[str, ...] = ()

    def document(self) -> str:
        markers = [m for m, on in (("zzphoto", self.media), ("zzdecider", self.role in OWNER_ROLES),
                                   ("zzasked", bool(self.recent) and ASKED.search(self.recent[-1])),
                                   ("zzempty", not self.text.strip())) if on]
        return " ".join([DIGITS.sub("9", spelled_out(fold(self.text))), *markers])


def spelled_out(folded: str) -> str:
    """Texting shorthand as the corpus mostly spells it: a "cant" or "cxl" the classifier has seen
    a few times reads as the "can't" and "cancel" it has seen hundreds of times."""
    return SHORTHAND_WORD.sub(lambda match: SHORTHAND[match[0]], folded)


class IntentClassifier:
    def __init__(self, examples: list[Labelled], roles: dict[str, str]):
        self.models = {group: _fit([e for e in examples if e.group == group], roles)
                       for group in ("customers", "people")}

    def probabilities(self, features: Features) -> dict[str, float]:
        return self.models[features.group].probabilities(features.document())


class _Fitted:
    """A fitted model's arithmetic, without scikit-learn's per-call checks (ten times faster
    for one text): each vectorizer's tf-idf of the text, then the linear model's softmax."""

    def __init__(self, vectorizers: list[TfidfVectorizer], model: SGDClassifier):
        self.parts, offset = [], 0
        for vectorizer in vectorizers:
            self.parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)
        self.weights, self.bias, self.classes = (model.coef_.T.copy(), model.intercept_,
                                                  [str(c) for c in model.classes_])

    def probabilities(self, document: str) -> dict[str, float]:
        scores = self.bias.copy()
        for analyze, vocabulary, idf, offset in self.parts:
            counts = Counter(i for i in map(vocabulary.get, analyze(document)) if i is not None)
            if not counts:
                continue
            index = np.fromiter(counts, dtype=np.intp, count=len(counts))
            values = (1 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * idf[index]
            scores += values @ self.weights[index + offset] / np.linalg.norm(values)
        exp = np.exp(scores - scores.max())
        return dict(zip(self.classes, (exp / exp.sum()).tolist()))


def _fit(examples: list[Labelled], roles: dict[str, str]) -> _Fitted:
    vectorizers = [TfidfVectorizer(token_pattern=TOKENS, ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)]
    # Logistic regression fitted by SGD: as accurate on the dev split as lbfgs, in a twentieth of the time.
    model = make_pipeline(make_union(*vectorizers), SGDClassifier(
        loss="log_loss", alpha=1e-5, class_weight="balanced", max_iter=100, tol=1e-4, random_state=0))
    documents = [features_of(e, roles).document() for e in examples]
    model.fit(documents, [e.intent for e in examples])
    return _Fitted(vectorizers, model[-1])


def features_of(example: Labelled, roles: dict[str, str]) -> Features:
    role = roles.get(example.sender) if example.sender else None
    return Features(example.text, example.group, role, example.media, example.recent)


# The corpus is written about the reference tenant; its people's roles come from its labels.
CORPUS_ROLES = {"dana": "owner", "marco": "manager", "lena": "staff", "sam": "staff"}


TRAINING = threading.Lock()  # one training per process, however many threads ask at first
SAVED: list[Path] = []  # where trained models are kept between starts (warm_up sets it: var/models)


def classifier(corpus: Path = CORPUS) -> IntentClassifier:
    """Trained once per process, on first use (create_app starts it in the background)."""
    with TRAINING:
        return _trained(corpus)


@lru_cache(maxsize=1)
def _trained(corpus: Path) -> IntentClassifier:
    """The model saved for this very corpus and scikit-learn, else trained now and saved: of
    several processes starting at once (web workers, RQ workers) one trains, the rest load."""
    if not SAVED:
        return IntentClassifier(load_labelled(corpus), CORPUS_ROLES)
    path = SAVED[0] / f"intent-{_fingerprint(corpus)}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / "training.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait the second it takes, then load
        if path.exists():
            try:
                return pickle.loads(path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
                log.warning("a saved intent model could not be read, training anew: %s", exc)
        trained = IntentClassifier(load_labelled(corpus), CORPUS_ROLES)
        _save(trained, path)
        return trained


def _fingerprint(corpus: Path) -> str:
    digest = hashlib.sha256(f"{sklearn.__version__} {Path(__file__).read_bytes()!r}".encode())
    for file in sorted(corpus.glob("*.yaml")):
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def _save(trained: IntentClassifier, path: Path) -> None:
    try:
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(trained))
        os.replace(partial, path)  # whole or not at all, whoever else writes it at the same time
        for old in path.parent.glob("intent-*.pickle"):
            if old != path:  # a model of an earlier corpus or release
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("the intent model could not be saved (it is trained again at the next start): %s", exc)


def warm_up(var_dir: Path | None = None) -> None:
    """Train (or load) in the background, so a web worker's first text doesn't wait and a CLI
    command doesn't either. `var_dir`: where the trained model is kept between starts."""
    if var_dir is not None and not SAVED:
        SAVED.append(var_dir / "models")
    threading.Thread(target=classifier, name="train-intent-classifier", daemon=True).start()
