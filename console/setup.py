"""Setup: the tenant's file as Onward understood it, for owners and managers: tasks (the
cadence in words, proof, owner, backup, chain), escalation chains, services, hours,
booking rules and people; and what `config check` says of the file now (config/cli.py's
own lines), so an edit not yet loaded, or refused, shows here.

    GET /console/setup
"""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from config.cli import check_lines
from config.loader import file_of
from config.schema import DAYS, ProofRule, Task, Tenant, days_of
from console import console
from console.access import deciders_only, signed
from console.cadence_words import cadence_words
from recurring.proof import proof_kind
from runtime import current_runtime
from store.models import TaskOwner


@console.get("/setup")
def setup():
    deciders_only()
    tenant = signed().tenant
    settings = current_runtime().settings
    file = file_of(settings.config_dir, tenant.tenant)
    check = check_lines(file, settings.environ) if file else [("error", "its file is no longer in the config directory")]
    with current_runtime().db.session() as session:  # an owner's "give X to Y" by text outlasts the file's owner
        owners = {row.task: row.person for row in session.scalars(
            select(TaskOwner).where(TaskOwner.tenant == tenant.tenant))}
    return render_template("console/setup.html", tenant=tenant, file=file.name if file else None, check=check,
                           cadence_words=cadence_words, proof_words=proof_words, week=week_of(tenant),
                           chain_of=chain_of, owners=owners)


def proof_words(task: Task) -> str:
    kind = proof_kind(task)
    if kind == "number" and isinstance(task.proof, ProofRule):
        rule = task.proof.number
        low = "…" if rule.min is None else f"{rule.min:g}"
        high = "…" if rule.max is None else f"{rule.max:g}"
        return f"a reading, {low} to {high} {rule.unit or ''}".strip()
    return {"photo": "a photo", "text": "a note", "none": "none"}.get(kind, kind)


def week_of(tenant: Tenant) -> list[tuple[str, str]]:
    """Each weekday's hours as the booking agents read them (a day not listed is closed)."""
    said = {day: value for key, value in tenant.hours.items() for day in days_of(key)}
    return [(day.capitalize(), "closed" if said.get(day, "closed") == "closed"
             else f"{said[day][0]:%H:%M}–{said[day][1]:%H:%M}") for day in DAYS]


def chain_of(tenant: Tenant, task: Task) -> str:
    return task.escalation if task.escalation in tenant.escalation else "default"
