"""The openai engine for bench/understanding.py: against OPENAI_BASE_URL when it is set, or
else against the local chat-completions server answering each labelled message with its
labels (an oracle), so the figures are the engine's own: prompt building, the real client
over HTTP, validation, fallbacks and their cost, not a model's judgement.

With faults > 0 a share of the answers, chosen by the text's hash, is broken in turn:
not JSON, a refusal, a server error, or no answer before the deadline.
"""
from __future__ import annotations

import re
import zlib
from typing import Any, Callable

from agents.understanding.engine import ModelEngine, Understander
from agents.understanding.prompt import RECENT_SENT, mask_phones
from config.settings import load_settings
from integrations.llm.openai import OpenAIModel
from tests.understanding.chat_server import ChatServer, Reply, sent_text, system_prompt
from tests.understanding.labelled import Example, harbor

FAULTS = (Reply(kind="raw", content="Sure, they want a haircut."), Reply(kind="refusal"),
          Reply(kind="status", status=500), Reply(kind="slow"))
SENDER = re.compile(r"^The sender is (.+?)(?: \(|\.$)", re.MULTILINE)


class OpenAIBench:
    def __init__(self, examples: list[Example], faults: float, ask: Callable):
        self.tenant = harbor().model_copy(update={"understanding": "model-first"})
        self.labels = {_key(self.tenant, e): _proposal(e) for e in examples}
        self.faults, self.ask, self.server = faults, ask, None

    def __enter__(self):
        settings = load_settings()
        if settings.openai_base_url and settings.openai_api_key:
            model = OpenAIModel(settings.openai_api_key, settings.openai_model, settings.openai_base_url)
        else:
            self.server = ChatServer(self._answer).__enter__()
            model = OpenAIModel("local-bench-key", "local-oracle", self.server.url)
        engine = Understander(ModelEngine(model))
        return lambda example: self.ask(self.tenant, engine, example)

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.__exit__(*exc)

    def _answer(self, request: dict[str, Any]) -> Reply:
        sent = sent_text(request)
        sender = SENDER.search(system_prompt(request))[1]
        key = (sent["text"], tuple(sent["recent"]), sender)
        if zlib.crc32(sent["text"].encode()) % 1000 < self.faults * 1000:
            return FAULTS[zlib.crc32(sent["text"].encode()) % len(FAULTS)]
        return Reply(content=self.labels.get(key, {"intent": "unclear", "confidence": 0.1}))


def _key(tenant, example: Example) -> tuple[str, tuple[str, ...], str]:
    sender = tenant.person(example.sender).name if example.sender else "a customer"
    recent = tuple(mask_phones(t) for t in example.recent[-RECENT_SENT:])
    return mask_phones(example.text), recent, sender


def _proposal(example: Example) -> dict[str, Any]:
    want = example.expected
    return {"intent": example.intent, "service": want["service"], "faq": want["faq"],
            "day": want["day"].isoformat() if want["day"] else None,
            "time": f"{want['time']:%H:%M}" if want["time"] else None, "period": want["period"],
            "at": f"{want['at']:%Y-%m-%dT%H:%M}" if want["at"] else None, "task": want["task"],
            "number": want["number"], "person": want["person"], "code": want["code"], "pick": want["pick"],
            "confidence": 0.9}
