"""Who does a task: the config's `owner`, unless an owner changed it by text since.

The config is a file, so a change made by text is data: one TaskOwner row per tenant
and task. New runs go to it (recurring/runs.py loads every override once per pass);
runs already open keep their assignee.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.schema import Task, Tenant
from store.models import TaskOwner

Overrides = dict[tuple[str, str], str]  # (tenant, task) -> person id


def load_overrides(session: Session, tenants: Iterable[str] | None = None) -> Overrides:
    """Every override (of these tenants), in one query."""
    query = select(TaskOwner.tenant, TaskOwner.task, TaskOwner.person)
    if tenants is not None:
        query = query.where(TaskOwner.tenant.in_(list(tenants)))
    return {(tenant, task): person for tenant, task, person in session.execute(query)}


def owner_of(tenant: Tenant, task: Task, overrides: Overrides) -> str:
    """The person new runs of the task go to; the config's owner when the override's
    person has left the config since."""
    person = overrides.get((tenant.tenant, task.id))
    return person if person is not None and tenant.person(person) is not None else task.owner


def set_owner(session: Session, tenant: Tenant, task: Task, person: str, by: str, now: datetime) -> None:
    """Record who does the task from now on (an upsert: the last change wins)."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](TaskOwner).values(
        tenant=tenant.tenant, task=task.id, person=person, set_by=by, set_at=now)
    session.execute(insert.on_conflict_do_update(
        index_elements=["tenant", "task"],
        set_={"person": insert.excluded.person, "set_by": insert.excluded.set_by,
              "set_at": insert.excluded.set_at}))
