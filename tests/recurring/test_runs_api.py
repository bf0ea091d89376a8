"""GET /api/v1/runs: the contract's fields, newest first, filters, one tenant per token."""
from __future__ import annotations

from datetime import datetime

from recurring.scheduler import tick
from store.models import Proof, Run
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

FIELDS = {"id", "task", "title", "slot", "due_at", "state", "assignee", "escalation_level",
          "completed_by", "completed_at", "proof", "flags"}


def get(client, token=HARBOR_TOKEN, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/runs", headers=headers, query_string=params)


def two_days(runtime):
    tick(runtime, datetime.fromisoformat("2026-11-23T09:00:00-05:00"))
    tick(runtime, datetime.fromisoformat("2026-11-24T09:00:00-05:00"))


def test_runs_newest_first_with_the_contract_fields(client, runtime):
    two_days(runtime)
    items = get(client).json["items"]
    assert FIELDS <= set(items[0])
    assert [i["slot"] for i in items] == sorted((i["slot"] for i in items), reverse=True)
    newest = items[0]
    assert (newest["task"], newest["state"], newest["assignee"], newest["proof"]) == (
        "opening", "open", "lena", None)
    assert newest["slot"] == "2026-11-24T14:00:00+00:00" and newest["due_at"] == "2026-11-24T14:30:00+00:00"
    stale = [i for i in items if i["state"] == "missed"]
    assert stale and all(i["flags"] == ["stale"] for i in stale)


def test_filters(client, runtime):
    two_days(runtime)
    assert {i["task"] for i in get(client, task="opening").json["items"]} == {"opening"}
    assert {i["state"] for i in get(client, state="missed").json["items"]} == {"missed"}
    recent = get(client, since="2026-11-24T00:00:00-05:00").json["items"]
    assert [i["task"] for i in recent] == ["opening"]
    assert len(get(client, limit=1).json["items"]) == 1
    assert get(client, since="tomorrow").status_code == 400


def test_the_newest_proof_is_shown(client, runtime):
    tick(runtime, datetime.fromisoformat("2026-11-23T12:00:00-05:00"))
    with runtime.db.session() as session:
        run = session.query(Run).filter_by(task="cooler").one()
        run.state, run.completed_by, run.completed_at = "done", "sam", run.slot
        session.add(Proof(tenant=run.tenant, run_id=run.id, kind="number", value="50", unit="F",
                          received_at=datetime.fromisoformat("2026-11-23T17:01:00+00:00")))
        session.add(Proof(tenant=run.tenant, run_id=run.id, kind="number", value="38", unit="F",
                          received_at=datetime.fromisoformat("2026-11-23T17:05:00+00:00")))
    (item,) = get(client, task="cooler").json["items"]
    assert item["proof"]["kind"] == "number" and item["proof"]["value"] == "38"
    assert item["proof"]["media"] == [] and item["completed_by"] == "sam"


def test_a_token_never_reads_another_tenants_runs(client, runtime):
    two_days(runtime)
    assert get(client).json["items"]
    assert get(client, token=NORTH_TOKEN).json["items"] == []
    assert get(client, token=NORTH_TOKEN, task="opening").json["items"] == []


def test_missing_or_unknown_tokens_are_refused(client):
    assert get(client, token=None).status_code == 401
    assert get(client, token="guess-guess").status_code == 401
