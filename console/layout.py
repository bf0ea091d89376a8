"""What every console template gets: the navigation and the CSRF field for forms.

A page joins the navigation by its endpoint being in NAV: entries whose view is not
registered (a page not built yet) are left out, and so are owners' and managers' pages for staff.
"""
from __future__ import annotations

from flask import current_app, g, render_template
from flask_wtf.csrf import CSRFError, generate_csrf
from markupsafe import Markup

from console import console

NAV = (
    ("Today", "console.today"),
    ("Bookings", "console.bookings"),
    ("Conversations", "console.conversations"),
    ("Setup", "console.setup"),
)


DECIDERS_ONLY = frozenset({"console.bookings", "console.conversations", "console.setup"})  # 403 for staff


def nav_links() -> list[tuple[str, str]]:
    decides = g.console_signed.decides
    return [(label, endpoint) for label, endpoint in NAV
            if endpoint in current_app.view_functions and (decides or endpoint not in DECIDERS_ONLY)]


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


@console.context_processor
def layout_helpers() -> dict:
    return {"nav_links": nav_links, "csrf_field": csrf_field}


@console.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    return render_template("console/refused.html", reason=error.description), 400
