"""`flask --app server escalation preview TENANT TASK`: who would be texted when, if a run
of the task started now and nobody answered. The same chain and rules as the scheduler
(recurring/chains.py), so an owner can check a chain before it goes live:

    Opening checklist (harbor-barbers): a run starting Mon 9:00 AM (now), due by 9:30 AM.
    Chain "default", 4 steps. If nobody answers:
      step 1  +30m    Mon 9:30 AM   assignee      Lena (+1617***0103)          waits 30m
      step 2  +1h     Mon 10:00 AM  backup        Sam (+1617***0104)           waits 30m
      ...
      missed  +3h     Mon 12:00 PM  the run is missed; everyone texted hears it
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click
from flask.cli import AppGroup

from config.schema import Person, Task, Tenant
from recurring.chains import ChainStep, chain_for, chain_name, next_move
from recurring.cli import AwareDateTime
from recurring.escalation_texts import ago
from recurring.owners import load_overrides, owner_of
from recurring.reminders import remind_time
from runtime import current_runtime
from store.db import utcnow

MAX_LINES = 50  # a chain deferred again and again (quiet hours around the clock) stops here


@dataclass(frozen=True)
class PreviewLine:
    kind: str  # text | skip | miss
    at: datetime
    number: int = 0  # the step, 1-based
    step: ChainStep | None = None
    people: tuple[Person, ...] = ()
    held_from: datetime | None = None  # quiet hours held the step from this time
    quiet: tuple[Person, ...] = ()  # whose quiet hours


def preview(tenant: Tenant, task: Task, assignee: str, start: datetime) -> list[PreviewLine]:
    """The chain played out from a run starting at `start` that nobody answers."""
    chain, level, at, held_from = chain_for(tenant, task), 0, start + task.due, None
    lines: list[PreviewLine] = []
    while len(lines) < MAX_LINES:
        move = next_move(tenant, chain, level, assignee, task, at)
        lines += [PreviewLine("skip", at, i + 1, chain[i]) for i in range(level, move.index)]
        if move.kind == "miss":
            return lines + [PreviewLine("miss", at)]
        if move.kind == "defer":
            held_from, quiet = held_from or at, _quiet(move.people, at, tenant)
            level, at = move.index, move.at
            continue
        lines.append(PreviewLine("text", at, move.index + 1, move.step, move.people, held_from,
                                 quiet if held_from else ()))
        level, at, held_from = move.index + 1, move.at, None
    return lines


def _quiet(people: tuple[Person, ...], at: datetime, tenant: Tenant) -> tuple[Person, ...]:
    return tuple(p for p in people if remind_time(p, at, tenant.zone) > at)


# -- printing -------------------------------------------------------------------------------

def render(tenant: Tenant, task: Task, start: datetime, lines: list[PreviewLine], phones: bool) -> list[str]:
    steps = len(chain_for(tenant, task))
    name = chain_name(tenant, task) if tenant.escalation else "built-in default"
    head = [f"{task.title} ({tenant.tenant}): a run starting {local(start, tenant)} (now), "
            f"due by {local(start + task.due, tenant)}.",
            f"Chain \"{name}\", {steps} steps. If nobody answers:"]
    return head + [_line(tenant, start, line, phones) for line in lines]


def _line(tenant: Tenant, start: datetime, line: PreviewLine, phones: bool) -> str:
    when = f"+{ago(line.at - start):<8} {local(line.at, tenant):<13}"
    if line.kind == "miss":
        return f"  missed  {when} the run is missed; everyone texted hears how it ended"
    if line.kind == "skip":
        return f"  step {line.number}  {when} {line.step.notify:<13} nobody to text: passed over"
    people = ", ".join(f"{p.name} ({p.phone if phones else mask(p.phone)})" for p in line.people)
    notes = ([f"waits {ago(line.step.wait)}"] + (["by call"] if line.step.by == "call" else [])
             + (["urgent: texts even in quiet hours"] if line.step.urgent else []))
    if line.held_from:
        who = ", ".join(f"{p.name} {p.quiet_hours[0]:%H:%M}-{p.quiet_hours[1]:%H:%M}" for p in line.quiet)
        notes.append(f"held from {local(line.held_from, tenant)} for quiet hours ({who})")
    return f"  step {line.number}  {when} {line.step.notify:<13} {people}   {'; '.join(notes)}"


def local(moment: datetime, tenant: Tenant) -> str:
    clock = moment.astimezone(tenant.zone)
    return f"{clock:%a} {clock.strftime('%I:%M %p').lstrip('0')}"


def mask(phone: str) -> str:
    """ "+16175550103" -> "+1617***0103" """
    return phone[:-7] + "***" + phone[-4:] if len(phone) > 8 else "***"


# -- the command ------------------------------------------------------------------------------

escalation_cli = AppGroup("escalation", help="Escalation chains.")


@escalation_cli.command("preview")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("task_id", metavar="TASK")
@click.option("--now", type=AwareDateTime(), default=None, help="Start the run at this time (ISO 8601 "
              "with offset) instead of now.")
@click.option("--show-phones", is_flag=True, help="Print phone numbers in full.")
def preview_command(tenant_id: str, task_id: str, now: datetime | None, show_phones: bool) -> None:
    """Print who would be texted when, step by step, for a run of TASK starting now."""
    runtime = current_runtime()
    tenant = runtime.tenants.get(tenant_id)
    if tenant is None:
        known = ", ".join(t.tenant for t in runtime.tenants) or "none loaded"
        raise click.ClickException(f"no tenant {tenant_id!r} (tenants: {known}; a refused file shows "
                                   "in `flask --app server config check`)")
    task = tenant.task(task_id)
    if task is None:
        tasks = ", ".join(t.id for t in tenant.tasks) or "none"
        raise click.ClickException(f"{tenant_id} has no task {task_id!r} (tasks: {tasks})")
    with runtime.db.sessionmaker() as session:
        assignee = owner_of(tenant, task, load_overrides(session, [tenant.tenant]))
    start = now or utcnow()
    for text in render(tenant, task, start, preview(tenant, task, assignee, start), show_phones):
        click.echo(text)
