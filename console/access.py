"""Who is signed in, checked before every console page.

Every page but the sign-in ones needs a live session; signed() gives the person and their
tenant. Queries go through the tenant's id (signed().tenant_id), and an id in a URL that
is not the tenant's answers 404 (tenant_row_or_404), exactly as an id that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from flask import abort, current_app, g, redirect, request, url_for
from sqlalchemy.orm import Session

from agents.owner_intent import OWNER_ROLES
from config.schema import Person, Tenant
from console import clock, console, csrf
from console.signin import find_session
from runtime import current_runtime
from store.models import MAX_ROW_ID

COOKIE = "onward_console"
OPEN_ENDPOINTS = frozenset({"console.login", "console.send_code", "console.verify", "console.static"})
CHOOSING_ENDPOINTS = frozenset({"console.choose", "console.logout"})
Row = TypeVar("Row")


@dataclass(frozen=True)
class SignedIn:
    session_id: int
    phone: str
    tenant: Tenant
    person: Person

    @property
    def tenant_id(self) -> str:
        return self.tenant.tenant

    @property
    def decides(self) -> bool:
        """Owners and managers see every run and decide; staff see their own runs."""
        return self.person.role in OWNER_ROLES


def signed() -> SignedIn:
    return g.console_signed


@console.before_request
def require_sign_in():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    token = request.cookies.get(COOKIE, "")
    with current_runtime().db.session() as session:
        row = find_session(session, token, clock.now()) if token else None
        if row is None:
            return to_login()
        g.console_session_id, g.console_phone = row.id, row.phone
        if row.tenant is None:
            return None if request.endpoint in CHOOSING_ENDPOINTS else redirect(url_for("console.choose"))
        found = signed_in(row.id, row.phone, row.tenant, row.person)
    if found is None:  # the tenant file changed since: the person is no longer there
        return to_login()
    g.console_signed = found
    return None


def signed_in(session_id: int, phone: str, tenant_id: str, person_id: str) -> SignedIn | None:
    tenant = current_runtime().tenants.get(tenant_id)
    person = tenant.person(person_id) if tenant else None
    if person is None or person.phone != phone:
        return None
    return SignedIn(session_id, phone, tenant, person)


def to_login():
    """To the sign-in page; an htmx request is told to load it as a whole page."""
    if request.headers.get("HX-Request"):
        return "", 401, {"HX-Redirect": url_for("console.login")}
    return redirect(url_for("console.login"))


def deciders_only() -> None:
    """Abort with 403 unless the signed-in person is an owner or a manager."""
    if not signed().decides:
        abort(403)


def tenant_row_or_404(session: Session, model: type[Row], row_id: int) -> Row:
    """The row of the signed-in tenant with this id, or 404 (also for another tenant's id)."""
    row = session.get(model, row_id) if 0 < row_id <= MAX_ROW_ID else None
    if row is None or row.tenant != signed().tenant_id:
        abort(404)
    return row


def cookie_is_secure() -> bool:
    return current_app.config["SESSION_COOKIE_SECURE"]
