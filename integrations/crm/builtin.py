"""The built-in CRM: the customers table, written in the caller's transaction.

Its idempotency key is the row itself: one customer per tenant and phone.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.crm import ContactChange, Crm, CrmResult
from store.models import Customer


class BuiltinCrm(Crm):
    name = "builtin"

    def __init__(self, session: Session):
        self.session = session

    def upsert_contact(self, change: ContactChange, *, idempotency_key: str) -> CrmResult:
        customer = self.session.scalar(select(Customer).where(
            Customer.tenant == change.tenant_id, Customer.phone == change.customer_phone))
        if customer is None:
            customer = Customer(tenant=change.tenant_id, phone=change.customer_phone)
            self.session.add(customer)
        if change.customer_name:
            customer.name = change.customer_name
        self.session.flush()
        return CrmResult(external_id=customer.external_id)
