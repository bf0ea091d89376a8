"""Labelled texts: the format the classifier learns from and the benchmark scores.

    load_labelled(Path("agents/understanding/corpus"))   -> [Labelled...] every *.yaml in it
    load_labelled(path_to_one_file)                      -> the same for one file

A file holds `now`, `tenant` and `messages`, one mapping each (tests/understanding/LABELLING.md
says what the fields mean). The training split ships with the code (corpus/); the dev and the
frozen test splits live with the tests and are never learned from.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Labelled:
    text: str
    intent: str
    now: datetime
    tenant: str
    labels: dict[str, Any]  # every field of the mapping as written
    sender: str | None = None  # a person id of the tenant; None for a customer
    media: bool = False
    recent: tuple[str, ...] = ()
    lang: str = "en"
    source: str = ""  # the file it came from

    @property
    def group(self) -> str:
        return "customers" if self.sender is None else "people"


def load_labelled(path: Path) -> list[Labelled]:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return [item for file in files for item in _load_file(file)]


def _load_file(path: Path) -> list[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    now, tenant = datetime.fromisoformat(str(data["now"])), str(data.get("tenant", ""))
    return [_labelled(item, now, tenant, path.name) for item in data.get("messages") or ()]


def _labelled(item: dict[str, Any], now: datetime, tenant: str, source: str) -> Labelled:
    return Labelled(text=str(item.get("text") or ""), intent=str(item["intent"]), now=now, tenant=tenant,
                    labels=item, sender=item.get("from"), media=bool(item.get("media", False)),
                    recent=tuple(str(t) for t in item.get("recent") or ()), lang=str(item.get("lang", "en")),
                    source=source)


def nearest(text: str, group: str, limit: int = 6) -> list[Labelled]:
    """The training texts most like this one, of the same group: few-shot examples for a model."""
    texts, items = _by_group(group)
    found = process.extract(text.casefold(), texts, scorer=fuzz.token_set_ratio, limit=limit)
    return [items[index] for _, _, index in found]


def load_examples() -> None:
    """Read the training texts the model's examples come from: a second and more of YAML, at a
    process's start rather than on the first customer's turn (a voice turn gives the model 1.5 s)."""
    for group in ("customers", "people"):
        _by_group(group)


@lru_cache(maxsize=2)
def _by_group(group: str) -> tuple[list[str], list[Labelled]]:
    unique = {e.text.casefold(): e for e in load_labelled(CORPUS) if e.group == group and e.text.strip()}
    return list(unique), list(unique.values())
