"""Outside customer records: one interface, and a generic HTTP implementation.

    HttpCrm      one configured HTTP request per booking change (tenant YAML: crm.http)

The built-in CRM (`crm: builtin`) is no adapter: it is the customers table in Onward's own
database, which agents/booking/customers.py writes in the booking's transaction, whatever
the tenant's CRM. An outside CRM gets the same customer afterwards, by a job.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from config.schema import Tenant


@dataclass(frozen=True)
class ContactChange:
    """What a CRM hears about one booking change: the customer, and the booking as it stands."""

    tenant_id: str
    tenant_name: str
    customer_id: int
    customer_phone: str
    customer_name: str | None
    customer_external_id: str | None
    booking_id: int
    service: str
    service_name: str
    start: datetime  # aware, in the tenant's zone
    end: datetime
    state: str
    change: str  # booked | rescheduled | cancelled
    price: Decimal
    deposit: Decimal

    def fields(self) -> dict[str, object]:
        """The values of the placeholders a CRM template may name (config.schema.CRM_PLACEHOLDERS)."""
        return {
            "customer.id": self.customer_id, "customer.name": self.customer_name,
            "customer.phone": self.customer_phone, "customer.external_id": self.customer_external_id,
            "booking.id": self.booking_id, "booking.service": self.service,
            "booking.service_name": self.service_name, "booking.start": self.start.isoformat(),
            "booking.end": self.end.isoformat(), "booking.state": self.state, "booking.change": self.change,
            "booking.price": f"{self.price:.2f}", "booking.deposit": f"{self.deposit:.2f}",
            "tenant.id": self.tenant_id, "tenant.name": self.tenant_name,
        }


@dataclass(frozen=True)
class CrmResult:
    external_id: str | None  # the CRM's own id for the contact, when it answers one


class Crm(ABC):
    name: str

    @abstractmethod
    def upsert_contact(self, change: ContactChange, *, idempotency_key: str) -> CrmResult:
        """Create or update the customer's record; raise TemporaryError or PermanentError."""


def make_crm(tenant: Tenant) -> Crm:
    """The tenant's outside CRM (a tenant with the built-in one has none to call)."""
    http = tenant.integrations.http_crm
    if http is None:
        raise ValueError(f"{tenant.tenant} keeps its customers in Onward's database only: no outside CRM")
    from integrations.crm.http import HttpCrm

    return HttpCrm(http)
