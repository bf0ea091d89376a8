"""Which chain answers a step of a phone call. Carrier keywords are for texts only:
"cancel" said on a call is a request, never an opt-out."""
from __future__ import annotations

from dataclasses import replace

from agents.base import Agent
from agents.context import Interaction
from agents.call_words import asks_for_operator, says_goodbye
from agents.voice import CallEndAgent, CallGreetingAgent, OperatorAgent, SilentTurnAgent

CALL_CHAINS: dict[str, tuple[Agent, ...]] = {
    "call_start": (CallGreetingAgent(),),
    "call_silent": (SilentTurnAgent(),),
    "operator": (OperatorAgent(),),
    "call_end": (CallEndAgent(),),
}
# States in which the call asks yes or no, and what the keypad answers there (numbered choices
# take their number as it is).
KEYED_ANSWERS = {"confirming": {"1": "yes", "2": "no"}}
CALLER_ROUTE = "customer"  # what customers say goes where their texts go
ESCALATION_ANSWER_ROUTE = "staff"  # answered as the same reply code by text (conversation/escalation_calls.py)
PERSON_ROUTE = "idle"  # the fallback: a configured person's work is done by text, not by phone


def call_route(interaction: Interaction, state: str, person: bool = False) -> str:
    """The route of a call's step; `state` is the conversation's ("idle": nothing under way,
    so "no, that's all" ends the call instead of answering a question); `person`: the
    caller is one of the tenant's people."""
    if interaction.call_step == 0:
        return "call_start"
    if person and interaction.raw.get("Direction") == "outbound-api":
        return ESCALATION_ANSWER_ROUTE  # a key pressed on Onward's own call about a run: a reply code
    if not interaction.text:
        return "call_silent"
    if asks_for_operator(interaction.text):
        return "operator"
    if state == "idle" and says_goodbye(interaction.text):
        return "call_end"
    return PERSON_ROUTE if person else CALLER_ROUTE


def keyed(interaction: Interaction, state: str) -> Interaction:
    """A key pressed where the call asks yes or no, as the word it stands for: 1 is yes, 2 is no."""
    word = KEYED_ANSWERS.get(state, {}).get(interaction.text)
    return replace(interaction, text=word) if word else interaction
