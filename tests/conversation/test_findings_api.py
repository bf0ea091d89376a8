"""GET /api/v1/findings: per tenant by bearer token, newest first, filters state, task and since."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from store.models import Finding
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

MONDAY = datetime.fromisoformat("2026-11-23T12:00:00-05:00")


@pytest.fixture
def findings(runtime):
    """Three Harbor findings a day apart (the last answered) and one of North End Nails."""
    rows = [
        Finding(tenant="harbor-barbers", task="cooler", kind="repeated", runs=[1, 2, 3], state="acknowledged",
                summary="Product cooler temperature went wrong in 3 of its last 7 runs: 3 missed.",
                acknowledged_by="dana", acknowledged_at=MONDAY, created_at=MONDAY - timedelta(days=2)),
        Finding(tenant="harbor-barbers", task=None, person="sam", kind="person", runs=[4, 5, 6],
                summary="Sam missed 3 runs of 2 tasks in 14 days.", open_key="person:sam",
                created_at=MONDAY - timedelta(days=1)),
        Finding(tenant="harbor-barbers", task="jars", kind="weekday", runs=[7, 8, 9], open_key="task:jars",
                summary="Change the disinfectant jars was missed the last 3 Mondays.", created_at=MONDAY),
        Finding(tenant="north-nails", task="sweep", kind="repeated", runs=[10, 11, 12], open_key="task:sweep",
                summary="Sweep went wrong in 3 of its last 5 runs: 3 missed.", created_at=MONDAY),
    ]
    with runtime.db.session() as session:
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def get(client, token=HARBOR_TOKEN, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/findings", headers=headers, query_string=params)


def test_findings_newest_first_with_the_contract_fields(client, findings):
    response = get(client)
    assert response.status_code == 200
    items = response.json["items"]
    assert [i["id"] for i in items] == [findings[2], findings[1], findings[0]]
    jars, sam, cooler = items
    assert jars == {"id": findings[2], "task": "jars", "kind": "weekday", "runs": [7, 8, 9],
                    "summary": "Change the disinfectant jars was missed the last 3 Mondays.",
                    "created_at": "2026-11-23T17:00:00+00:00", "state": "open", "person": None,
                    "acknowledged_by": None, "acknowledged_at": None, "new_owner": None}
    assert (sam["task"], sam["person"], sam["kind"]) == (None, "sam", "person")
    assert (cooler["state"], cooler["acknowledged_by"]) == ("acknowledged", "dana")
    assert datetime.fromisoformat(cooler["acknowledged_at"]) == MONDAY


def test_a_token_never_reads_another_tenants_findings(client, findings):
    north = get(client, NORTH_TOKEN).json["items"]
    assert [i["id"] for i in north] == [findings[3]]
    assert findings[3] not in [i["id"] for i in get(client).json["items"]]
    assert get(client, NORTH_TOKEN, task="cooler").json["items"] == []


@pytest.mark.parametrize("params, expected", [
    ({"state": "open"}, [2, 1]),
    ({"state": "acknowledged"}, [0]),
    ({"state": "reassigned"}, []),
    ({"task": "cooler"}, [0]),
    ({"task": "nosuchtask"}, []),
    ({"since": "2026-11-22T12:00:00-05:00"}, [2, 1]),
    ({"since": "2026-11-23T17:00:00Z"}, [2]),
    ({"state": "open", "task": "jars"}, [2]),
    ({"limit": "1"}, [2]),
])
def test_filters(client, findings, params, expected):
    assert [i["id"] for i in get(client, **params).json["items"]] == [findings[i] for i in expected]


@pytest.mark.parametrize("params, error", [
    ({"state": "closed"}, "state must be one of open, acknowledged, reassigned, not 'closed'"),
    ({"since": "last week"}, "since must be an ISO 8601 time with offset, not 'last week'"),
    ({"since": "2026-11-23T12:00:00"}, "since needs an offset, e.g. 2026-11-23T09:00:00-05:00"),
    ({"limit": "0"}, "limit must be between 1 and 500"),
    ({"limit": "ten"}, "limit must be a whole number"),
])
def test_bad_filters_get_400_and_a_clear_error(client, findings, params, error):
    response = get(client, **params)
    assert response.status_code == 400 and response.json == {"error": error}


@pytest.mark.parametrize("token, error", [(None, "send Authorization: Bearer <your tenant's api_token>"),
                                          ("not-a-token", "unknown API token")])
def test_without_a_valid_token_nothing_is_read(client, findings, token, error):
    response = get(client, token)
    assert response.status_code == 401 and response.json == {"error": error}
