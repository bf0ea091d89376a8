"""The agent protocol: a name and one method that takes the context and returns it."""
from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from agents.context import ExecutionContext


class Agent(Protocol):
    name: str

    def run(self, ctx: ExecutionContext, session: Session) -> ExecutionContext: ...
