"""The JSON API: /api/v1/..., one bearer token per tenant, newest first.

A token reads only its own tenant's rows: every query is filtered by the tenant the
token belongs to, never by anything the caller sends.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from runtime import current_runtime
from store.models import Message

api = Blueprint("api", __name__, url_prefix="/api/v1")
DEFAULT_LIMIT, MAX_LIMIT = 100, 500


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@api.errorhandler(ApiError)
def api_error(error: ApiError):
    return jsonify(error=str(error)), error.status


@api.before_request
def authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "send Authorization: Bearer <your tenant's api_token>")
    tenant = current_runtime().tenants.by_token(token.strip())
    if tenant is None:
        raise ApiError(401, "unknown API token")
    g.tenant = tenant


@api.get("/messages")
def list_messages():
    query = select(Message).where(Message.tenant == g.tenant.tenant)
    for name, column in (("direction", Message.direction), ("purpose", Message.purpose),
                         ("status", Message.status), ("state", Message.status)):
        if request.args.get(name):
            query = query.where(column == request.args[name])
    since = since_arg()
    if since is not None:
        query = query.where(Message.created_at >= since)
    query = query.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit_arg())
    with current_runtime().db.session() as session:
        return jsonify(items=[message_json(m) for m in session.scalars(query)])


def message_json(message: Message) -> dict:
    return {
        "id": message.id, "direction": message.direction, "to": message.to_phone,
        "from": message.from_phone, "body": message.body, "media": message.media,
        "purpose": message.purpose, "status": message.status,
        "error_code": message.error_code, "created_at": message.created_at.isoformat(),
    }


def since_arg() -> datetime | None:
    value = request.args.get("since")
    if not value:
        return None
    try:
        since = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"since must be an ISO 8601 time with offset, not {value!r}") from None
    if since.tzinfo is None:
        raise ApiError(400, "since needs an offset, e.g. 2026-11-23T09:00:00-05:00")
    return since


def limit_arg() -> int:
    value = request.args.get("limit", DEFAULT_LIMIT)
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "limit must be a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 1 and {MAX_LIMIT}")
    return limit
