"""Setup: the tenant's file as Onward understood it, and `config check` of the file now,
for owners and managers; another tenant's person sees only their own."""
from __future__ import annotations

import shutil

import pytest

from config.settings import load_settings
from server import create_app
from tests.conftest import TESTS
from tests.console.conftest import AVA, DANA, SAM, ConsoleClient


def test_the_file_as_understood(console_client, clock):
    console_client.sign_in(DANA)
    page = console_client.get("/console/setup").text
    assert "At 09:00, Monday through Saturday" in page  # cron, in words
    assert "Every week on Mon, Thu at 10:00" in page  # an RRULE, in words
    assert "a reading, 33 to 41 F" in page and "a photo" in page and "a note" in page
    assert "Cut and beard" in page and "$50.00" in page and "$30.00" in page  # the color's deposit
    assert "<td>Sun</td><td>closed</td>" in page and "<td>Sat</td><td>09:00–17:00</td>" in page
    assert "+16175550104" in page and "manager" in page
    assert "assignee, wait 30 min → backup, wait 30 min → manager, wait 60 min → owner" in page
    assert "ok</span> harbor-barbers (Harbor Street Barbers): 4 people, 5 tasks, 4 services" in page
    assert "North End Nails" not in page


def test_staff_are_refused(console_client, clock):
    console_client.sign_in(SAM)
    assert console_client.get("/console/setup").status_code == 403


def test_another_tenant_sees_its_own(console_client, clock):
    console_client.sign_in(AVA)
    page = console_client.get("/console/setup").text
    assert "north-nails" in page and "Manicure" in page
    assert "harbor" not in page.lower() and "+16175550101" not in page


@pytest.fixture
def edited(env, tmp_path):
    """The app running the test tenants from a copy of their directory, which the test edits."""
    tenants = tmp_path / "tenants"
    shutil.copytree(TESTS / "tenants", tenants)
    app = create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(tenants)}))
    yield app, tenants / "harbor-barbers.yaml"
    app.extensions["onward"].db.dispose()


def test_an_edit_with_a_problem_shows_the_checks_error_beside_what_runs(edited, clock):
    app, file = edited
    file.write_text(file.read_text().replace("owner: lena", "owner: lenna", 1))
    client = ConsoleClient(app, app.extensions["onward"])
    client.sign_in(DANA)
    page = client.get("/console/setup").text
    assert "harbor-barbers.yaml: tasks[0].owner: unknown person &#39;lenna&#39;" in page
    assert "Opening checklist" in page and "Lena" in page  # the file as it loaded, still running
