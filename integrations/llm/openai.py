"""The OpenAI chat-completions API (or any server that speaks it) through the official client.

Structured output: the request carries the JSON schema (response_format json_schema,
strict), and the answer is checked here anyway: a refusal, a cut-short answer or text
that is not a JSON object is an error, never a result. Every call has a hard deadline:
the HTTP timeout, and a wait on the call that gives up at the same moment even if a
server trickles bytes. The client never retries by itself: the caller falls back.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import openai

from integrations.errors import PermanentError
from integrations.llm import Completion, LanguageModel, ModelInvalidOutput, ModelRefusal, ModelTimeout, \
    ModelUnavailable

CALLS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="openai")
TEMPORARY = (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError)


class OpenAIModel(LanguageModel):
    name = "openai"

    def __init__(self, api_key: str, model: str, base_url: str | None = None):
        self.model = model
        self.client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0)

    def complete_json(self, system: str, user: str, schema: dict[str, Any], *, timeout: float) -> Completion:
        call = CALLS.submit(self._request, system, user, schema, timeout)
        try:
            response = call.result(timeout=timeout)
        except FutureTimeout:
            call.cancel()
            raise ModelTimeout(f"no answer from the model within {timeout:g}s", code="timeout") from None
        return _completion(response)

    def _request(self, system: str, user: str, schema: dict[str, Any], timeout: float):
        try:
            return self.client.chat.completions.create(
                model=self.model, temperature=0, timeout=timeout,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format={"type": "json_schema",
                                 "json_schema": {"name": "understanding", "schema": schema, "strict": True}})
        except openai.APITimeoutError as exc:
            raise ModelTimeout(f"no answer from the model within {timeout:g}s", code="timeout") from exc
        except TEMPORARY as exc:
            raise ModelUnavailable(f"the model is unavailable: {type(exc).__name__}", code="unavailable") from exc
        except openai.OpenAIError as exc:
            raise PermanentError(f"the model refused the request: {type(exc).__name__}", code="error") from exc


def _completion(response) -> Completion:
    choice = response.choices[0] if response.choices else None
    if choice is None:
        raise ModelInvalidOutput("the model answered no choice", code="invalid")
    if choice.message.refusal:
        raise ModelRefusal("the model declined to answer", code="refusal")
    if choice.finish_reason == "length":
        raise ModelInvalidOutput("the model's answer was cut short", code="invalid")
    content = _json_object(choice.message.content or "")
    tokens = response.usage.total_tokens if response.usage else 0
    return Completion(content=content, tokens=tokens, model=response.model or "")


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise ModelInvalidOutput("the model's answer is not JSON", code="invalid") from None
    if not isinstance(value, dict):
        raise ModelInvalidOutput("the model's answer is not a JSON object", code="invalid")
    return value
