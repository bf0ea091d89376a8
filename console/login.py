"""The sign-in pages: phone -> code -> (pick a business when the phone is in several) -> Today.

The answers never tell whether a phone belongs to a tenant: every phone that parses gets
"we texted a code" and the same code page, and the same wrong, expired and locked answers.
"""
from __future__ import annotations

from flask import current_app, g, make_response, redirect, render_template, request, url_for

from config.loader import normalise_phone
from console import clock, console
from console.access import COOKIE, cookie_is_secure
from console.signin import (SESSION_LIFETIME, Verdict, check_code, end_session, memberships, open_session,
                            request_code)
from runtime import current_runtime
from store.models import ConsoleSession

VERDICT_TEXTS = {
    Verdict.WRONG: "That code is not right. Check the text and try again.",
    Verdict.EXPIRED: "That code has expired. Ask for a new one.",
    Verdict.LOCKED: "Too many wrong codes. This number is locked for 15 minutes.",
}


@console.get("/login")
def login():
    return render_template("console/login.html")


@console.post("/login")
def send_code():
    phone = parse_login_phone(request.form.get("phone", ""))
    if phone is None:
        return render_template("console/login.html", error="Enter your mobile number, with its area code."), 400
    runtime = current_runtime()
    with runtime.db.session() as session:
        request_code(session, runtime.tenants, phone, secret(), clock.now())
    return render_template("console/code.html", phone=phone)


@console.post("/login/code")
def verify():
    phone = parse_login_phone(request.form.get("phone", ""))
    code = request.form.get("code", "").strip()
    if phone is None:
        return redirect(url_for("console.login"))
    if not (len(code) == 6 and code.isdigit()):
        return render_template("console/code.html", phone=phone, error="The code is 6 digits."), 400
    runtime = current_runtime()
    now = clock.now()
    with runtime.db.session() as session:
        verdict = check_code(session, phone, code, secret(), now)
        known = memberships(runtime.tenants, phone) if verdict is Verdict.SIGNED_IN else []
        token = open_session(session, phone, known, now) if known else None
    if token is None:
        status = 429 if verdict is Verdict.LOCKED else 400
        text = VERDICT_TEXTS.get(verdict, VERDICT_TEXTS[Verdict.WRONG])  # signed in, yet no longer anyone's
        return render_template("console/code.html", phone=phone, error=text), status
    response = redirect(url_for("console.today") if len(known) == 1 else url_for("console.choose"))
    response.set_cookie(COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), path="/console",
                        secure=cookie_is_secure(), httponly=True, samesite="Lax")
    return response


@console.route("/choose", methods=["GET", "POST"])
def choose():
    """Pick the business to work in, for a phone that is a person in several."""
    runtime = current_runtime()
    known = memberships(runtime.tenants, g.console_phone)
    if request.method == "POST":
        picked = next((m for m in known if m.tenant.tenant == request.form.get("tenant")), None)
        if picked is not None:
            with runtime.db.session() as session:
                row = session.get(ConsoleSession, g.console_session_id)
                row.tenant, row.person = picked.tenant.tenant, picked.person.id
            return redirect(url_for("console.today"))
    return render_template("console/choose.html", memberships=known)


@console.post("/logout")
def logout():
    with current_runtime().db.session() as session:
        end_session(session, request.cookies.get(COOKIE, ""), clock.now())
    response = make_response(render_template("console/login.html", notice="You are signed out."))
    response.delete_cookie(COOKIE, path="/console", secure=cookie_is_secure(), httponly=True, samesite="Lax")
    return response


def parse_login_phone(raw: str) -> str | None:
    """E.164 of what was typed, read in each tenant's country until one names a person."""
    tenants = current_runtime().tenants
    raw = raw.strip()[:40]
    readings = [normalise_phone(raw, country) for country in sorted({t.country for t in tenants}) or ["US"]]
    readings = [phone for phone in readings if phone]
    return next((p for p in readings if memberships(tenants, p)), readings[0] if readings else None)


def secret() -> str:
    return current_app.secret_key
