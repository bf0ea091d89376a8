"""POST /api/v1/interactions speaks for customers: it never opts a number in or out (only
the phone does, by text), and it acts as the tenant's own people only when the tenant file
says so (`api_scope: [customers, people]`)."""
from __future__ import annotations

import shutil

import pytest
import yaml
from sqlalchemy import func, select

from config.settings import load_settings
from server import create_app
from store.models import Booking, Execution, Interaction, Message, OptOut
from tests.booking.fixtures import clock, text  # noqa: F401 - fixtures
from tests.booking.fixtures import AMY
from tests.conftest import HARBOR_TOKEN, TESTS

HARBOR = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
DANA, LENA = "+16175550101", "+16175550103"  # harbor-barbers' owner and a staff member


def post(client, body):
    return client.post("/api/v1/interactions", json=body, headers=HARBOR)


def count(runtime, model) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize("said", ["START", "unstop", "YES", "Yes!"])
def test_the_api_cannot_opt_a_number_back_in(client, text, runtime, said):
    assert text(AMY, "haircut tomorrow at 3").startswith("Haircut, Tue Nov 24 at 3:00 PM")
    assert text(AMY, "STOP").startswith("You're unsubscribed")
    answer = post(client, {"from": AMY, "text": said}).get_json()
    assert answer["outcome"] == "consent_not_changed"
    assert answer["replies"] == ["Nothing changed: only the phone itself can opt out or back in, by texting "
                                 "STOP or START to +16175550100."]
    assert count(runtime, OptOut) == 1
    with runtime.db.session() as session:  # an opted-out number's YES is not taken as a yes to the offer
        assert session.scalar(select(Booking.state)) == "held"
    assert text(AMY, "hello?") == ""  # still opted out


@pytest.mark.parametrize("said", ["STOP", "unsubscribe", "please stop texting me"])
def test_the_api_cannot_opt_a_number_out(client, text, runtime, said):
    answer = post(client, {"from": AMY, "text": said}).get_json()
    assert answer["outcome"] == "consent_not_changed"
    assert count(runtime, OptOut) == 0
    assert text(AMY, "what are your hours?").startswith("Harbor Street Barbers hours:")


@pytest.mark.parametrize("phone, said", [(LENA, "done"), (DANA, "today"), (DANA, "STOP")])
def test_the_tenants_own_people_are_refused_by_default(client, runtime, phone, said):
    response = post(client, {"from": phone, "text": said, "id": "evt-1"})
    assert response.status_code == 403
    assert "speaks for customers only" in response.get_json()["error"]
    assert "api_scope: [customers, people]" in response.get_json()["error"]
    assert count(runtime, Interaction) == 0 and count(runtime, Message) == 0 and count(runtime, Execution) == 0


@pytest.fixture
def scoped(env, tmp_path):
    """A client of the app with harbor-barbers' file given this `api_scope`."""
    apps = []

    def client_with(scope: list[str]):
        tenants = tmp_path / "tenants"
        shutil.copytree(TESTS / "tenants", tenants)
        data = yaml.safe_load((tenants / "harbor-barbers.yaml").read_text())
        (tenants / "harbor-barbers.yaml").write_text(yaml.safe_dump({**data, "api_scope": scope}))
        apps.append(create_app(load_settings({**env, "ONWARD_CONFIG_DIR": str(tenants)})))
        apps[-1].extensions["onward"].redis.flushdb()
        return apps[-1].test_client()

    yield client_with
    for app in apps:
        app.extensions["onward"].db.dispose()


def test_with_people_in_its_scope_the_api_speaks_for_staff_but_still_not_for_consent(scoped):
    client = scoped(["customers", "people"])
    answer = post(client, {"from": LENA, "text": "lol"}).get_json()
    assert answer["replies"][0].startswith("Hi Lena, I couldn't act on that.")
    assert post(client, {"from": LENA, "text": "STOP"}).get_json()["outcome"] == "consent_not_changed"


def test_a_scope_of_people_only_refuses_customers(scoped, runtime):
    response = post(scoped(["people"]), {"from": AMY, "text": "haircut tomorrow at 3"})
    assert response.status_code == 403 and "own people only" in response.get_json()["error"]
    assert count(runtime, Interaction) == 0
