"""Shared by the integration-sync tests: an app whose harbor-barbers tenant has an outside
CRM and/or Stripe configured, a fake contacts API for the CRM, bookings written with
queue_booking_sync as the booking engine does, and a burst RQ worker."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from config.settings import load_settings
from integrations.sync import queue_booking_sync
from server import create_app
from store.models import Booking, Customer, IntegrationJob, Message
from tests.fakes.crm_api import FakeCrm

TENANTS = Path(__file__).resolve().parent.parent / "tenants"
TENANT = "harbor-barbers"
CUSTOMER = "+16175550199"
OPERATOR = "+16175550102"  # marco, harbor's operator
START = datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc)  # Tue 2:00 PM in Boston
CRM_TOKEN = "crm-secret"  # the bearer token the fake CRM asks for


def tenant_dir(tmp_path: Path, integrations: str) -> Path:
    """The test tenants, with harbor-barbers' integrations section replaced by `integrations`."""
    folder = tmp_path / f"tenants-{len(list(tmp_path.glob('tenants-*')))}"
    shutil.copytree(TENANTS, folder)
    harbor = folder / "harbor-barbers.yaml"
    text = harbor.read_text()
    section = re.compile(r"^integrations:\n(?:[ \t]+.*\n)+", re.M)
    assert section.search(text), "harbor-barbers.yaml has no integrations section"
    harbor.write_text(section.sub(lambda _: "integrations:\n" + integrations.rstrip() + "\n", text))
    return folder


@pytest.fixture
def crm():
    """The outside CRM's contacts API on 127.0.0.1 (tests/fakes/crm_api.py)."""
    api = FakeCrm(token=CRM_TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def make_app(env, tmp_path):
    """make_app(integrations_yaml, **env) -> an app on the test database and Redis."""
    apps = []

    def make(integrations: str, **extra_env: str):
        folder = tenant_dir(tmp_path, integrations)
        app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(folder), **extra_env}))
        app.extensions["onward"].redis.flushdb()
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["onward"].db.dispose()


def book(runtime, *, service: str = "haircut", state: str = "confirmed", now: datetime | None = None,
         start: datetime = START, name: str | None = "Ana Lima", phone: str = CUSTOMER) -> int:
    """A booking written and synced in one transaction, as the booking engine does."""
    tenant = runtime.tenants.get(TENANT)
    spec = next(s for s in tenant.services if s.id == service)
    now = now or datetime.now(timezone.utc)
    with runtime.db.session() as session:
        customer = session.scalar(select(Customer).where(Customer.tenant == TENANT, Customer.phone == phone))
        if customer is None:
            customer = Customer(tenant=TENANT, phone=phone, name=name)
            session.add(customer)
            session.flush()
        booking = Booking(tenant=TENANT, customer_id=customer.id, service=service, start=start,
                          end=start + spec.duration, state=state, price=spec.price,
                          deposit=spec.deposit or Decimal(0),
                          hold_expires_at=now + tenant.booking.hold if state == "held" else None)
        session.add(booking)
        session.flush()
        queue_booking_sync(session, tenant, booking, "booked", now)
    return booking.id


def change(runtime, booking_id: int, what: str, now: datetime | None = None, **fields) -> None:
    tenant = runtime.tenants.get(TENANT)
    with runtime.db.session() as session:
        booking = session.get(Booking, booking_id)
        for name, value in fields.items():
            setattr(booking, name, value)
        queue_booking_sync(session, tenant, booking, what, now or datetime.now(timezone.utc))


def run_worker(runtime) -> bool:
    return SimpleWorker([runtime.queue], connection=runtime.redis).work(burst=True)


def jobs_of(runtime, booking_id: int) -> list[IntegrationJob]:
    with runtime.db.session() as session:
        query = select(IntegrationJob).where(IntegrationJob.booking_id == booking_id)
        return list(session.scalars(query.order_by(IntegrationJob.id)))


def texts_to(runtime, phone: str, purpose: str | None = None) -> list[Message]:
    with runtime.db.session() as session:
        query = select(Message).where(Message.to_phone == phone, Message.direction == "out")
        if purpose:
            query = query.where(Message.purpose == purpose)
        return list(session.scalars(query.order_by(Message.id)))


def later(minutes: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(minutes=minutes)
