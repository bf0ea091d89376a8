"""GET /api/v1/proofs/<id>/media: a proof photo, served to its own tenant's token only."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import requests

from store.models import Proof, Run
from tests.conftest import HARBOR_TOKEN, NORTH_TOKEN

SLOT = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def stored_photo(runtime, tmp_path) -> int:
    photo = tmp_path / "proof.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a stored proof photo")
    with runtime.db.session() as session:
        run = Run(tenant="harbor-barbers", task="opening", title="Opening checklist", slot=SLOT,
                  due_at=SLOT + timedelta(minutes=30), state="done", assignee="lena")
        session.add(run)
        session.flush()
        proof = Proof(tenant="harbor-barbers", run_id=run.id, kind="photo", media_path=str(photo))
        session.add(proof)
        session.flush()
        return proof.id


def get(live_server, path, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(live_server + path, headers=headers, timeout=10)


def test_the_tenant_gets_its_proof_photo(live_server, runtime, tmp_path):
    proof_id = stored_photo(runtime, tmp_path)
    response = get(live_server, f"/api/v1/proofs/{proof_id}/media", HARBOR_TOKEN)
    assert response.status_code == 200
    assert response.content == b"\xff\xd8\xff\xe0 a stored proof photo"
    runs = get(live_server, "/api/v1/runs", HARBOR_TOKEN).json()["items"]
    assert runs[0]["proof"]["media"] == [f"/api/v1/proofs/{proof_id}/media"]


def test_another_tenant_or_no_token_gets_nothing(live_server, runtime, tmp_path):
    proof_id = stored_photo(runtime, tmp_path)
    assert get(live_server, f"/api/v1/proofs/{proof_id}/media", NORTH_TOKEN).status_code == 404
    assert get(live_server, f"/api/v1/proofs/{proof_id}/media", None).status_code == 401
    assert get(live_server, "/api/v1/proofs/999999/media", HARBOR_TOKEN).status_code == 404


def test_an_id_past_the_largest_row_id_is_not_found(live_server):
    for proof_id in (2**31, 2**63, 10**30):
        response = get(live_server, f"/api/v1/proofs/{proof_id}/media", HARBOR_TOKEN)
        assert response.status_code == 404 and response.json()["error"] == f"no proof photo {proof_id}"
