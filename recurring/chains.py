"""Escalation chains and their steps, and what a run's next step does: pure, no database.

    chain_for(tenant, task_id)                 the task's chain as steps (its own, `default`, or BUILTIN)
    chain_json(steps) / chain_of(json)         the copy kept on the run (Run.chain)
    next_move(tenant, chain, level, ...)       text the next step's people | defer for quiet hours | miss

Steps notify one of: assignee, backup, role:NAME, person:ID, owner (one function each,
through STEP_TARGETS). A step whose target is nobody (no backup, a role nobody has) is
passed over. A step without `wait` waits DEFAULT_WAIT before the next one; after the
last step's wait the run is missed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from config.schema import Person, Task, Tenant
from recurring.reminders import remind_time

DEFAULT_WAIT = timedelta(minutes=30)


@dataclass(frozen=True)
class ChainStep:
    notify: str  # assignee | backup | role:NAME | person:ID | owner
    wait: timedelta = DEFAULT_WAIT
    urgent: bool = False  # texts even in quiet hours
    by: str = "text"  # text | call (a phone call, answered with the keypad)


BUILTIN: tuple[ChainStep, ...] = (ChainStep("assignee"), ChainStep("backup"), ChainStep("owner"))


@dataclass(frozen=True)
class Move:
    """What a run's escalation does next. kind: text | defer | miss."""

    kind: str
    index: int  # the step (0-based) that texts or waits; len(chain) for a miss
    step: ChainStep | None = None
    people: tuple[Person, ...] = ()
    at: datetime | None = None  # text: when the next look is due; defer: when quiet hours end


def chain_name(tenant: Tenant, task: Task | None) -> str:
    return task.escalation if task is not None else "default"


def chain_for(tenant: Tenant, task: Task | None) -> tuple[ChainStep, ...]:
    """The task's chain from the config: its own, the tenant's default, or BUILTIN."""
    steps = tenant.escalation.get(chain_name(tenant, task)) or tenant.escalation.get("default")
    if not steps:
        return BUILTIN
    return tuple(ChainStep(s.notify, s.wait if s.wait is not None else DEFAULT_WAIT, s.urgent, s.by)
                 for s in steps)


def chain_json(chain: tuple[ChainStep, ...]) -> list[dict[str, Any]]:
    return [{"notify": s.notify, "wait": int(s.wait.total_seconds()), "urgent": s.urgent, "by": s.by}
            for s in chain]


def chain_of(copied: list[dict[str, Any]]) -> tuple[ChainStep, ...]:
    """A run's copy of its chain (copies made before steps could call are texts)."""
    return tuple(ChainStep(s["notify"], timedelta(seconds=s["wait"]), s["urgent"], s.get("by", "text"))
                 for s in copied)


def next_move(tenant: Tenant, chain: tuple[ChainStep, ...], level: int, assignee: str,
              task: Task | None, now: datetime) -> Move:
    """The step after `level` steps have texted: who it texts, or why it waits, or a miss."""
    for index in range(level, len(chain)):
        step = chain[index]
        people = recipients(tenant, step.notify, assignee, task)
        if not people:
            continue
        quiet_until = None if step.urgent else quiet_end(people, now, tenant)
        if quiet_until is not None:
            return Move("defer", index, step, people, quiet_until)
        return Move("text", index, step, people, now + step.wait)
    return Move("miss", len(chain))


def quiet_end(people: tuple[Person, ...], now: datetime, tenant: Tenant) -> datetime | None:
    """When the last of these people's quiet hours ends, if any of them is in them now."""
    ends = [remind_time(person, now, tenant.zone) for person in people]
    latest = max(ends)
    return latest if latest > now else None


# -- who a step texts: one function per target ----------------------------------------------

def recipients(tenant: Tenant, notify: str, assignee: str, task: Task | None) -> tuple[Person, ...]:
    kind, _, value = notify.partition(":")
    found = STEP_TARGETS[kind](tenant, value, assignee, task)
    return tuple({p.id: p for p in found if p is not None}.values())


def _assignee(tenant: Tenant, _: str, assignee: str, task: Task | None) -> list[Person | None]:
    return [tenant.person(assignee)]


def _backup(tenant: Tenant, _: str, assignee: str, task: Task | None) -> list[Person | None]:
    if task is None or task.backup is None or task.backup == assignee:
        return []  # the backup already has it (handed over, or took it)
    return [tenant.person(task.backup)]


def _role(tenant: Tenant, role: str, assignee: str, task: Task | None) -> list[Person | None]:
    return [p for p in tenant.people if p.role == role]


def _person(tenant: Tenant, person_id: str, assignee: str, task: Task | None) -> list[Person | None]:
    return [tenant.person(person_id)]


def _owner(tenant: Tenant, _: str, assignee: str, task: Task | None) -> list[Person | None]:
    return _role(tenant, "owner", assignee, task)


STEP_TARGETS: dict[str, Callable[[Tenant, str, str, Task | None], list[Person | None]]] = {
    "assignee": _assignee, "backup": _backup, "role": _role, "person": _person, "owner": _owner,
}
