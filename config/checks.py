"""Rules that relate one part of a tenant file to another."""
from __future__ import annotations

from collections import Counter
from typing import Iterator

from config.schema import NumberProof, ProofRule, Tenant

Problem = tuple[str, str]  # (field, reason)


def cross_check(tenant: Tenant) -> list[Problem]:
    checks = (_numbers, _people, _tasks, _chains, _services, _operator, _examples)
    return [problem for check in checks for problem in check(tenant)]


def _numbers(tenant: Tenant) -> Iterator[Problem]:
    seen = Counter(tenant.numbers)
    for i, number in enumerate(tenant.numbers):
        if seen[number] > 1:
            yield f"numbers[{i}]", f"{number} is listed more than once"


def _people(tenant: Tenant) -> Iterator[Problem]:
    ids = Counter(p.id for p in tenant.people)
    phones = Counter(p.phone for p in tenant.people)
    for i, person in enumerate(tenant.people):
        if ids[person.id] > 1:
            yield f"people[{i}].id", f"{person.id!r} is used by more than one person"
        if phones[person.phone] > 1:
            yield f"people[{i}].phone", f"{person.phone} is used by more than one person"
        if person.phone in tenant.numbers:
            yield f"people[{i}].phone", f"{person.phone} is one of the business's own numbers"
    if tenant.people and not any(p.role == "owner" for p in tenant.people):
        yield "people", "no person has role: owner (the last step of every escalation)"


def _tasks(tenant: Tenant) -> Iterator[Problem]:
    ids = Counter(t.id for t in tenant.tasks)
    for i, task in enumerate(tenant.tasks):
        if ids[task.id] > 1:
            yield f"tasks[{i}].id", f"{task.id!r} is used by more than one task"
        if isinstance(task.proof, ProofRule) and _reversed(task.proof.number):
            rule = task.proof.number
            yield f"tasks[{i}].proof.number", f"min {rule.min:g} is more than max {rule.max:g}"
        for field in ("owner", "backup"):
            person_id = getattr(task, field)
            if person_id is not None and tenant.person(person_id) is None:
                yield f"tasks[{i}].{field}", f"unknown person {person_id!r}"
        if task.escalation not in tenant.escalation and task.escalation != "default":
            yield f"tasks[{i}].escalation", f"unknown escalation chain {task.escalation!r}"
        if task.escalation == "default" and "default" not in tenant.escalation and tenant.escalation:
            yield f"tasks[{i}].escalation", "no chain named 'default' to fall back on"


def _chains(tenant: Tenant) -> Iterator[Problem]:
    roles = {p.role for p in tenant.people}
    for name, steps in tenant.escalation.items():
        if not steps:
            yield f"escalation.{name}", "a chain needs at least one step"
            continue
        for i, step in enumerate(steps):
            where = f"escalation.{name}[{i}].notify"
            kind, _, value = step.notify.partition(":")
            if kind == "role" and value not in roles:
                yield where, f"no person has role {value!r}"
            if kind == "person" and tenant.person(value) is None:
                yield where, f"unknown person {value!r}"
            if _notifies_owner(tenant, step.notify) and i == 0:
                yield where, "the owner is never the first step: start with the assignee"
            elif _notifies_owner(tenant, step.notify) and i != len(steps) - 1:
                yield where, "the owner is the last resort: only the last step may notify the owner"
        if steps[-1].notify != "owner":
            yield f"escalation.{name}", "the last step must notify the owner ({notify: owner})"


def _notifies_owner(tenant: Tenant, notify: str) -> bool:
    """owner, role:owner, or person:ID of someone whose role is owner."""
    kind, _, value = notify.partition(":")
    person = tenant.person(value) if kind == "person" else None
    return notify in ("owner", "role:owner") or (person is not None and person.role == "owner")


def _reversed(rule: NumberProof) -> bool:
    return rule.min is not None and rule.max is not None and rule.min > rule.max


def _services(tenant: Tenant) -> Iterator[Problem]:
    ids = Counter(s.id for s in tenant.services)
    for i, service in enumerate(tenant.services):
        if ids[service.id] > 1:
            yield f"services[{i}].id", f"{service.id!r} is used by more than one service"
        if service.deposit > service.price:
            yield f"services[{i}].deposit", f"{service.deposit} is more than the price ({service.price})"


def _operator(tenant: Tenant) -> Iterator[Problem]:
    if tenant.operator is not None and tenant.person(tenant.operator) is None:
        yield "operator", f"unknown person {tenant.operator!r}"


def _examples(tenant: Tenant) -> Iterator[Problem]:
    people = {p.id: p for p in tenant.people}
    for i, example in enumerate(tenant.examples):
        if example.sender is not None and example.sender not in people:
            yield f"examples[{i}].from", f"{example.sender!r} is not one of the people"
