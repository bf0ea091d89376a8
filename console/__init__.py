"""The operator console: /console/, HTML pages for a tenant's people, signed in by phone.

    console          the blueprint (url_prefix /console); pages register on it
    access.py        sign-in required on every page; signed() -> who and which tenant;
                     tenant_row_or_404 for ids in URLs
    signin.py        codes and server-side sessions
    templates/console/base.html   the layout every page extends

CSRF (Flask-WTF) is checked on this blueprint only: the Twilio webhooks and the JSON API
are left alone.
"""
from __future__ import annotations

from flask import Blueprint
from flask_wtf.csrf import CSRFProtect

from console.keys import console_secret

console = Blueprint("console", __name__, url_prefix="/console",
                    template_folder="templates", static_folder="static")
csrf = CSRFProtect()


@console.record_once
def set_up(state) -> None:
    app = state.app
    settings = app.extensions["onward"].settings
    secure = settings.public_base_url.startswith("https://")
    app.config.update(
        SECRET_KEY=app.config.get("SECRET_KEY") or console_secret(settings.var_dir),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the console's own before_request, nowhere else
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the browser's session; sign-in ends after 12 h
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_HTTPONLY=True,
    )
    csrf.init_app(app)


from console import (access, booking, bookings, conversations, decisions, layout, login, setup,  # noqa: E402,F401
                     thumbnails, today, trace)  # (the pages register on the blueprint)
