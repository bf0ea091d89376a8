"""Fixtures for recurring work: the example tenant with extra tasks."""
from __future__ import annotations

import pytest

from config.schema import Task
from routing.tenants import TenantDirectory


@pytest.fixture
def harbor_with(runtime):
    """A TenantDirectory where harbor-barbers has one more task (given as its fields)."""

    def make(**fields) -> TenantDirectory:
        tenants = list(runtime.tenants)
        harbor = runtime.tenants.get("harbor-barbers")
        extended = harbor.model_copy(update={"tasks": (*harbor.tasks, Task(**fields))})
        return TenantDirectory(tuple(extended if t is harbor else t for t in tenants))

    return make
