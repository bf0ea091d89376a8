"""Console fixtures: a moved clock, a signed-in test client, and a real browser (Playwright
driving Debian's chromium) on the live server, with screenshots at 375 and 1280 px."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

import console.clock
from store.models import Message

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = ("browser tests need Debian's chromium at /usr/bin/chromium: "
                    "apt-get install -y chromium (the .ci/run script does this)")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE_WIDTH, DESK_WIDTH = 375, 1280
DANA, MARCO, LENA, SAM = "+16175550101", "+16175550102", "+16175550103", "+16175550104"
AVA = "+13125550201"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"\b(\d{6})\b")


class Clock:
    """The console's clock, moved by the test (console/clock.py)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock(datetime.now(timezone.utc).replace(microsecond=0))
    monkeypatch.setattr(console.clock, "utcnow", moved)
    return moved


def texted_code(runtime, phone: str) -> str | None:
    """The newest console code the outbox holds for this phone."""
    with runtime.db.session() as session:
        body = session.scalar(select(Message.body).where(Message.to_phone == phone, Message.purpose == "notice")
                              .order_by(Message.id.desc()))
    found = CODE.search(body or "")
    return found.group(1) if found else None


class ConsoleClient:
    """A test client that fills in the CSRF field as the console's forms do."""

    def __init__(self, app, runtime):
        self.client = app.test_client()
        self.runtime = runtime
        self.token = CSRF_FIELD.search(self.client.get("/console/login").text).group(1)

    def post(self, path: str, data: dict | None = None, csrf: bool = True):
        return self.client.post(path, data={**(data or {}), **({"csrf_token": self.token} if csrf else {})})

    def get(self, path: str):
        return self.client.get(path)

    def ask_code(self, phone: str):
        return self.post("/console/login", {"phone": phone})

    def enter_code(self, phone: str, code: str):
        return self.post("/console/login/code", {"phone": phone, "code": code})

    def sign_in(self, phone: str):
        self.ask_code(phone)
        answer = self.enter_code(phone, texted_code(self.runtime, phone))
        assert answer.status_code == 302, answer.text
        return answer


@pytest.fixture
def console_client(app, runtime):
    return ConsoleClient(app, runtime)


@pytest.fixture
def another_console_client(app, runtime):
    return ConsoleClient(app, runtime)


@pytest.fixture(scope="session")
def browser():
    """Chromium driven by Playwright; skipped, saying how to install it, where it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(INSTALL_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page whose relative URLs go to the live server."""
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 812}, base_url=live_server)
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


@pytest.fixture
def browser_sign_in(page, runtime):
    """sign_in(phone): through the sign-in pages, with the code read from the outbox."""

    def sign_in(phone: str) -> None:
        page.goto("/console/login")
        page.fill("#phone", phone)
        page.click("button[type=submit]")
        page.wait_for_selector("#code")
        page.fill("#code", texted_code(runtime, phone))
        page.click("form button[type=submit]")
        page.wait_for_url("**/console/")

    return sign_in


@pytest.fixture
def screenshot(request):
    """screenshot(page, name): the page at 375 and 1280 px wide, saved under var/screenshots."""

    def take(page, name: str) -> list[Path]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for width in (PHONE_WIDTH, DESK_WIDTH):
            page.set_viewport_size({"width": width, "height": 812})
            path = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 812})
        print(f"screenshots: {', '.join(str(p) for p in saved)}")
        return saved

    return take
