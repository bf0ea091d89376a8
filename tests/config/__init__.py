"""Helpers for the config tests: the reference tenant file, changed one field at a time.

The reference file is tests/tenants/harbor-barbers.yaml, a copy of
shared/examples/harbor-barbers.yaml that Onward must accept as it is.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).resolve().parent.parent / "tenants" / "harbor-barbers.yaml"
TOKEN = "harbor-test-token"
ENV = {"HARBOR_API_TOKEN": TOKEN}

_EXAMPLE_DATA = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def example() -> dict[str, Any]:
    """A fresh copy of the reference file's data, safe to change."""
    return copy.deepcopy(_EXAMPLE_DATA)


def changed(path: str, value: Any) -> dict[str, Any]:
    """The reference data with one field set, the path written as problems name it:
    "tasks[0].owner", "hours.sat", "timezon" (a new key)."""
    data = example()
    *parents, last = _steps(path)
    node = data
    for step in parents:
        node = node[step]
    node[last] = value
    return data


def write_tenant(directory: Path, data: Any, name: str = "harbor-barbers.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]
