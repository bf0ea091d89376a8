"""GET /healthz: can this process reach its database and Redis?"""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from runtime import current_runtime

health = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@health.get("/healthz")
def healthz():
    runtime = current_runtime()
    checks = {"database": _check_database(runtime), "redis": _check_redis(runtime)}
    ok = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if ok else "degraded", tenants=len(runtime.tenants.tenants),
                   **checks), (200 if ok else 503)


def _check_database(runtime) -> str:
    try:
        with runtime.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health: database unreachable: %s", exc)
        return "unreachable"
    return "ok"


def _check_redis(runtime) -> str:
    try:
        runtime.redis.ping()
    except (RedisError, OSError) as exc:
        log.warning("health: redis unreachable: %s", exc)
        return "unreachable"
    return "ok"
