"""Which tenant a number belongs to, and who a phone is within that tenant."""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from config.schema import Person, Tenant


@dataclass(frozen=True)
class Actor:
    """Who sent an interaction: a configured person, or a customer (known or new)."""

    kind: str  # staff | manager | owner (a person's role) or customer
    person: Person | None = None

    @property
    def id(self) -> str | None:
        return self.person.id if self.person else None


class TenantDirectory:
    def __init__(self, tenants: tuple[Tenant, ...]):
        self.tenants = {t.tenant: t for t in tenants}
        self._by_number = {number: t for t in tenants for number in t.numbers}

    def __iter__(self):
        return iter(self.tenants.values())

    def get(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    def by_number(self, phone: str) -> Tenant | None:
        return self._by_number.get(phone)

    def by_token(self, token: str) -> Tenant | None:
        """The tenant whose API token this is (compared in constant time)."""
        found = None
        for tenant in self.tenants.values():
            if hmac.compare_digest(tenant.api_token.encode(), token.encode()):
                found = tenant
        return found


def resolve_actor(tenant: Tenant, phone: str) -> Actor:
    person = tenant.person_by_phone(phone)
    if person is None:
        return Actor(kind="customer")
    return Actor(kind=person.role, person=person)
