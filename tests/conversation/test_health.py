"""GET /healthz reports database and Redis reachability."""
from __future__ import annotations

from config.settings import load_settings
from server import create_app


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok", "tenants": 2}


def test_redis_down_is_reported(env):
    app = create_app(load_settings({**env, "REDIS_URL": "redis://127.0.0.1:1/0"}))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["redis"] == "unreachable" and response.json["database"] == "ok"


def test_database_down_is_reported(env, tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    app = create_app(load_settings({**env, "DATABASE_URL": f"sqlite:///{tmp_path}/a-file/x.db"}))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
