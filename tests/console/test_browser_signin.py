"""In a real browser: sign in with the code read from the outbox, see Today, sign out."""
from __future__ import annotations

from tests.console.conftest import DANA


def test_signing_in_with_the_texted_code(page, browser_sign_in, screenshot):
    page.goto("/console/login")
    screenshot(page, "login")

    browser_sign_in(DANA)

    assert page.locator("h1").inner_text() == "Today"
    assert "Dana Reyes" in page.locator("header").inner_text()
    screenshot(page, "today-empty")
    page.click("text=Sign out")
    page.wait_for_selector("text=You are signed out.")
    page.goto("/console/")
    assert page.url.endswith("/console/login")
