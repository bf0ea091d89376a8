"""The customer record in Onward's own database (the built-in CRM): one row per tenant and
phone, named once known; an outside CRM is the only one there is an adapter to call."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from agents.booking.customers import find_customer, remember_name, upsert_customer
from integrations.crm import make_crm
from store.models import Customer

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
ANA = "+16175550199"


def test_a_customer_is_one_row_per_tenant_and_phone_named_once_known(session):
    assert find_customer(session, "harbor-barbers", ANA) is None
    first = upsert_customer(session, "harbor-barbers", ANA, NOW)
    assert remember_name(first, "Ana") and not remember_name(first, "Ana") and not remember_name(first, None)
    again = upsert_customer(session, "harbor-barbers", ANA, NOW)
    assert again.id == first.id and remember_name(again, "Ana Lima")
    upsert_customer(session, "north-nails", ANA, NOW)
    session.flush()
    rows = session.execute(select(Customer.tenant, Customer.phone, Customer.name).order_by(Customer.id)).all()
    assert [tuple(row) for row in rows] == [("harbor-barbers", ANA, "Ana Lima"), ("north-nails", ANA, None)]


def test_a_tenant_with_the_builtin_crm_has_no_outside_crm_to_call(runtime):
    with pytest.raises(ValueError, match="no outside CRM"):
        make_crm(runtime.tenants.get("harbor-barbers"))
