"""Language models: one interface, and the errors a model call ends in, translated at the edge.

    LanguageModel.complete_json(system, user, schema, timeout) -> Completion

    IntegrationError
     ├── TemporaryError
     │    ├── ModelTimeout        no answer within the deadline
     │    └── ModelUnavailable    connection refused, rate limited, server error
     └── PermanentError
          ├── ModelRefusal        the model declined to answer
          └── ModelInvalidOutput  not JSON, not an object, cut short
The model is only ever asked for a JSON object; nothing it writes is sent to anyone.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from integrations.errors import PermanentError, TemporaryError


class ModelTimeout(TemporaryError):
    pass


class ModelUnavailable(TemporaryError):
    pass


class ModelRefusal(PermanentError):
    pass


class ModelInvalidOutput(PermanentError):
    pass


@dataclass(frozen=True)
class Completion:
    content: dict[str, Any]  # the JSON object the model answered
    tokens: int  # prompt and completion tokens together
    model: str


class LanguageModel(ABC):
    name: str

    @abstractmethod
    def complete_json(self, system: str, user: str, schema: dict[str, Any], *, timeout: float) -> Completion:
        """One chat completion whose answer must be a JSON object matching `schema`."""
