"""One interface, two engines, and the policy that picks between them for each text.

    Engine.understand(ask) -> Understanding
        RulesEngine   no model: customer rules (rules.py) or the staff parsers (staff.py)
        ModelEngine   a language model through integrations/llm, its answer checked (proposal.py)
    Understander      the policy: the rules first, the model for what they are unsure of
                      (or the model first when the tenant says `understanding: model-first`);
                      a model that times out, fails, refuses or answers nonsense is replaced by
                      the rules' answer in the same turn, with the reason in `fallback`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from agents.understanding.blend import blend
from agents.understanding.classifier import Features, classifier
from agents.understanding.numbers import spells_a_number
from agents.understanding.prompt import build_prompt
from agents.understanding.proposal import InvalidProposal, read_proposal
from agents.understanding.result import Understanding
from agents.understanding.rules import is_garbled, reply_letter, understand as understand_customer
from agents.understanding.signals import INJECTION
from agents.understanding.staff import codes_offered, is_owner, spoken_codes, understand_staff
from agents.understanding.text import fold
from config.schema import Person, Tenant
from integrations.errors import IntegrationError
from integrations.llm import LanguageModel, ModelInvalidOutput, ModelRefusal, ModelTimeout

log = logging.getLogger(__name__)
LOW_CONFIDENCE = 0.6  # a rules answer below this is worth asking the model about
# A model's skip or excuse carries the sender's own words as its reason, never the model's.
GIVES_REASON = frozenset({"skip", "excuse"})
TEXT_TIMEOUT, VOICE_TIMEOUT = 3.0, 1.5  # seconds the model gets for a text, for a voice turn


@dataclass(frozen=True)
class Ask:
    """One text to understand, and what the engines may know about it."""

    tenant: Tenant
    text: str
    now: datetime
    recent: tuple[str, ...] = ()  # the conversation's earlier turns, oldest first
    person: Person | None = None  # the tenant's person who sent it; None for a customer
    has_media: bool = False  # a photo came with it (never sent to a model)
    channel: str = "sms"
    open_tasks: tuple[str, ...] = ()  # the person's open runs' tasks: theirs to name while open
    open_codes: tuple[int, ...] = ()  # the person's open reply codes ("3" of "Reply 3t")


class Engine(Protocol):
    name: str

    def understand(self, ask: Ask) -> Understanding: ...


class RulesEngine:
    """The rules, and the classifier beside them (blend.py says how the two decide)."""

    name = "rules"

    def understand(self, ask: Ask) -> Understanding:
        if ask.person is not None:
            codes = frozenset(ask.open_codes) | codes_offered(ask.recent)
            ask = replace(ask, text=spoken_codes(ask.text, codes))  # "three are Sam": 3r Sam
            heard = understand_staff(ask.tenant, ask.person, ask.text, ask.has_media, ask.open_tasks)
        else:
            heard = understand_customer(ask.tenant, ask.text, ask.now, ask.recent)
        folded = fold(ask.text)
        if INJECTION.search(folded) or is_garbled(folded):
            return heard  # never read into: what looks like a word to the classifier here is noise
        if ask.person is None and reply_letter(folded):
            return heard  # "R, sorry": the letter the reminder asked for says it all
        return blend(ask, heard, classifier().probabilities(_features(ask)))


def _features(ask: Ask) -> Features:
    group, role = ("customers", None) if ask.person is None else ("people", ask.person.role)
    return Features(ask.text, group, role, ask.has_media, ask.recent)


class ModelFailed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # timeout | refusal | invalid | error


class ModelEngine:
    name = "openai"

    def __init__(self, model: LanguageModel, text_timeout: float = TEXT_TIMEOUT,
                 voice_timeout: float = VOICE_TIMEOUT):
        self.model, self.timeouts = model, {"text": text_timeout, "voice": voice_timeout}

    def understand(self, ask: Ask) -> Understanding:
        owner = ask.person is not None and is_owner(ask.person)
        prompt = build_prompt(ask.tenant, ask.text, ask.now, ask.recent, ask.person, owner, ask.has_media,
                              ask.open_tasks)
        try:
            timeout = self.timeouts["voice" if ask.channel == "voice" else "text"]
            completion = self.model.complete_json(prompt.system, prompt.user, prompt.schema, timeout=timeout)
            heard = read_proposal(completion.content, ask.tenant, ask.person, owner, completion.tokens,
                                  ask.open_tasks)
        except ModelTimeout as exc:
            raise ModelFailed("timeout") from exc
        except ModelRefusal as exc:
            raise ModelFailed("refusal") from exc
        except (ModelInvalidOutput, InvalidProposal) as exc:
            raise ModelFailed("invalid") from exc
        except IntegrationError as exc:
            raise ModelFailed("error") from exc
        return replace(heard, note=ask.text.strip()) if heard.intent in GIVES_REASON else heard


def incomplete(ask: Ask, heard: Understanding) -> bool:
    """A done the rules can't tie to a proof: no photo, no reading, no task, no code or line named
    ("took care of the register"), or a number in words the rules couldn't read ("drawer counted,
    one thousand two fifty"): worth the model's reading."""
    if heard.intent != "done" or ask.has_media:
        return False
    if heard.number is None and spells_a_number(ask.text):
        return True
    named = (heard.number, heard.task, heard.code, heard.pick)
    return named == (None,) * 4 and len(ask.text.split()) > 2


def is_injection(text: str) -> bool:
    """Text written to steer a model ("ignore your instructions and..."): the rules read it, as nothing."""
    return INJECTION.search(fold(text)) is not None


class Understander:
    """The engine the agents ask: rules alone, or rules and a model."""

    def __init__(self, model: ModelEngine | None = None, rules: RulesEngine | None = None):
        self.model, self.rules = model, rules or RulesEngine()

    @property
    def name(self) -> str:
        return self.model.name if self.model else self.rules.name

    def understand(self, ask: Ask) -> Understanding:
        if self.model is None or is_injection(ask.text):
            return self.rules.understand(ask)
        if ask.tenant.understanding == "model-first":
            return self._model_or(ask, None)
        heard = self.rules.understand(ask)
        return heard if heard.confidence >= LOW_CONFIDENCE and not incomplete(ask, heard) else self._model_or(ask, heard)

    def _model_or(self, ask: Ask, heard: Understanding | None) -> Understanding:
        try:
            return self.model.understand(ask)
        except ModelFailed as failed:
            log.warning("understanding fell back to the rules: %s", failed.reason)
            return replace(heard or self.rules.understand(ask), fallback=failed.reason)
