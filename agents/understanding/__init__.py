"""Language understanding: what a text asks for, as a typed `Understanding`.

    from agents.understanding import understand
    understand(tenant, "haircut tomorrow at 3?", now)   # -> book, haircut, tomorrow, 15:00

The rules engine (rules.py) reads customer texts without any model.
"""
from agents.understanding.result import CUSTOMER_INTENTS, PERIODS, Understanding
from agents.understanding.rules import understand

__all__ = ["CUSTOMER_INTENTS", "PERIODS", "Understanding", "understand"]
