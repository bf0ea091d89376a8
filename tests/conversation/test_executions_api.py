"""GET /api/v1/executions: the agents' trace of each interaction, per tenant."""
from __future__ import annotations

from tests.booking.fixtures import clock  # noqa: F401 - fixtures
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

HARBOR = {"Authorization": f"Bearer {HARBOR_TOKEN}"}
NORTH = {"Authorization": f"Bearer {NORTH_TOKEN}"}
STAGES = ["understanding", "intent", "lookup", "decision", "action", "communication", "customer"]


def executions(client, headers=HARBOR, **filters):
    response = client.get("/api/v1/executions", headers=headers, query_string=filters)
    assert response.status_code == 200
    return response.get_json()["items"]


def test_each_interaction_has_its_trace(client, clock):
    posted = client.post("/api/v1/interactions", headers=HARBOR,
                         json={"from": "+16175557001", "text": "haircut tomorrow at 3"}).get_json()
    [execution] = executions(client)
    assert execution["id"] == posted["execution"] and execution["interaction"] == posted["interaction"]
    assert execution["outcome"] == "held" and execution["channel"] == "api"
    assert [s["agent"] for s in execution["steps"]] == STAGES
    assert [s["outcome"] for s in execution["steps"]] == [
        "rules: book", "book", "new_customer", "offer", "held", "held", "held"]  # the engine that read it
    assert all(isinstance(s["ms"], (int, float)) and s["ms"] >= 0 for s in execution["steps"])
    assert execution["steps"][1]["input"].startswith("rules: book, confidence ")


def test_filters_and_tenants(client, clock):
    for text in ("what are your hours?", "haircut tomorrow at 3"):
        client.post("/api/v1/interactions", headers=HARBOR, json={"from": "+16175557001", "text": text})
    client.post("/api/v1/interactions", headers=NORTH, json={"from": "+13125557001", "text": "hours?"})
    assert [e["outcome"] for e in executions(client)] == ["held", "answer"]  # newest first
    assert [e["outcome"] for e in executions(client, outcome="answer")] == ["answer"]
    assert len(executions(client, NORTH)) == 1
    assert executions(client, since="2100-01-01T00:00:00Z") == []
    assert client.get("/api/v1/executions").status_code == 401
