"""A number on file with two businesses: one code, then the choose page; the person picks
one, sees only its runs, and switches without a new code."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import TESTS
from tests.console.conftest import MARCO
from tests.console.test_signin import add_run

MARCO_BOTH = MARCO  # Marco manages at Harbor Street Barbers and, here, works at North End Nails too


@pytest.fixture
def env(env, tmp_path):
    """The test tenants, with Marco on North End Nails' staff as well."""
    tenants = tmp_path / "tenants"
    shutil.copytree(TESTS / "tenants", tenants)
    north = tenants / "north-nails.yaml"
    north.write_text(north.read_text().replace(
        '  - {id: bo,  name: Bo,       phone: "+1 312 555 0202", role: staff}\n',
        '  - {id: bo,  name: Bo,       phone: "+1 312 555 0202", role: staff}\n'
        '  - {id: marco, name: Marco Ruiz, phone: "+1 617 555 0102", role: manager}\n'))
    return {**env, "ONWARD_CONFIG_DIR": str(tenants)}


def test_a_number_in_two_businesses_picks_one_switches_and_sees_only_its_runs(console_client, runtime, clock):
    harbor_run = add_run(runtime, "harbor-barbers", "marco", "Open the shop", clock.now)
    north_run = add_run(runtime, "north-nails", "marco", "Clean the stations", clock.now)

    assert console_client.sign_in(MARCO_BOTH).location.endswith("/console/choose")
    choose = console_client.get("/console/choose").text
    assert "Harbor Street Barbers" in choose and "North End Nails" in choose
    assert console_client.get("/console/").location.endswith("/console/choose")  # nothing before a pick

    console_client.post("/console/choose", {"tenant": "north-nails"})
    today = console_client.get("/console/").text
    assert "Clean the stations" in today and "Open the shop" not in today
    assert console_client.get(f"/console/runs/{harbor_run}").status_code == 404

    console_client.post("/console/choose", {"tenant": "harbor-barbers"})  # switching needs no new code
    today = console_client.get("/console/").text
    assert "Open the shop" in today and "Clean the stations" not in today
    assert console_client.get(f"/console/runs/{north_run}").status_code == 404
    assert console_client.get(f"/console/runs/{harbor_run}").status_code == 200


def test_picking_a_business_the_number_is_not_in_changes_nothing(console_client, runtime, clock):
    console_client.sign_in(MARCO_BOTH)
    answer = console_client.post("/console/choose", {"tenant": "somewhere-else"})
    assert answer.status_code == 200 and "Which business?" in answer.text
    assert console_client.get("/console/").location.endswith("/console/choose")
