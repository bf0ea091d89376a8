"""The JSON API: /api/v1/..., one bearer token per tenant, newest first.

A token reads only its own tenant's rows: every query is filtered by the tenant the
token belongs to, never by anything the caller sends.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, g, jsonify, request, send_file
from sqlalchemy import select

from runtime import current_runtime
from store.models import MAX_ROW_ID, Escalation, Finding, Message, Proof, Run

api = Blueprint("api", __name__, url_prefix="/api/v1")
DEFAULT_LIMIT, MAX_LIMIT = 100, 500
PLUS_READ_AS_SPACE = re.compile(r"(:\d\d(?:\.\d+)?) (\d\d:?\d\d)$")  # ...09:00:00 05:00


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
    filters = {"direction": Message.direction, "purpose": Message.purpose,
               "status": Message.status, "state": Message.status}
    query = tenant_rows_newest_first(Message, Message.created_at, filters)
    with current_runtime().db.session() as session:
        return jsonify(items=[message_json(m) for m in session.scalars(query)])


@api.get("/runs")
def list_runs():
    query = tenant_rows_newest_first(Run, Run.slot, {"state": Run.state, "task": Run.task})
    with current_runtime().db.session() as session:
        runs = session.scalars(query).all()
        ids = [run.id for run in runs]
        proofs, steps = newest_proofs(session, ids), escalations_of(session, ids)
        return jsonify(items=[run_json(run, proofs.get(run.id), steps.get(run.id, [])) for run in runs])


FINDING_STATES = ("open", "acknowledged", "reassigned")


@api.get("/findings")
def list_findings():
    state = request.args.get("state")
    if state and state not in FINDING_STATES:
        raise ApiError(400, f"state must be one of {', '.join(FINDING_STATES)}, not {state!r}")
    query = tenant_rows_newest_first(Finding, Finding.created_at, {"state": Finding.state, "task": Finding.task})
    with current_runtime().db.session() as session:
        return jsonify(items=[finding_json(f) for f in session.scalars(query)])


def finding_json(finding: Finding) -> dict:
    return {
        "id": finding.id, "task": finding.task, "kind": finding.kind, "summary": finding.summary,
        "runs": finding.runs, "created_at": finding.created_at.isoformat(), "state": finding.state,
        "person": finding.person, "acknowledged_by": finding.acknowledged_by,
        "acknowledged_at": finding.acknowledged_at.isoformat() if finding.acknowledged_at else None,
        "new_owner": finding.new_owner,
    }


def newest_proofs(session, run_ids: list[int]) -> dict[int, Proof]:
    """The newest proof of each run (a refused proof may be followed by a good one)."""
    proofs: dict[int, Proof] = {}
    query = select(Proof).where(Proof.run_id.in_(run_ids)).order_by(Proof.received_at, Proof.id)
    for proof in session.scalars(query):
        proofs[proof.run_id] = proof
    return proofs


def escalations_of(session, run_ids: list[int]) -> dict[int, list[Escalation]]:
    """Each run's escalation steps, in order."""
    steps: dict[int, list[Escalation]] = {}
    query = select(Escalation).where(Escalation.run_id.in_(run_ids)).order_by(Escalation.level)
    for step in session.scalars(query):
        steps.setdefault(step.run_id, []).append(step)
    return steps


def run_json(run: Run, proof: Proof | None, escalations: list[Escalation] = ()) -> dict:
    return {
        "id": run.id, "task": run.task, "title": run.title, "slot": run.slot.isoformat(),
        "due_at": run.due_at.isoformat(), "state": run.state, "assignee": run.assignee,
        "escalation_level": run.escalation_level, "completed_by": run.completed_by,
        "completed_at": run.completed_at.isoformat() if run.completed_at else None,
        "proof": proof_json(proof) if proof else None, "flags": run.flags,
        "reminded_at": run.reminded_at.isoformat() if run.reminded_at else None,
        "escalations": [escalation_json(step) for step in escalations],
    }


def escalation_json(step: Escalation) -> dict:
    """One step of a run's chain: who was texted when (with their reply codes), and the answer."""
    return {"level": step.level, "notify": step.target, "notified": step.notified, "codes": step.codes,
            "at": step.created_at.isoformat(), "answer": step.answer, "answered_by": step.answered_by,
            "answered_at": step.answered_at.isoformat() if step.answered_at else None, "note": step.note}


def proof_json(proof: Proof) -> dict:
    media = [f"/api/v1/proofs/{proof.id}/media"] if proof.media_path else []
    return {"kind": proof.kind, "value": proof.value, "unit": proof.unit, "media": media,
            "flags": proof.flags, "received_at": proof.received_at.isoformat()}


def message_json(message: Message) -> dict:
    return {
        "id": message.id, "direction": message.direction, "to": message.to_phone,
        "from": message.from_phone, "body": message.body, "media": message.media,
        "purpose": message.purpose, "status": message.status,
        "error_code": message.error_code, "created_at": message.created_at.isoformat(),
        "bundle": message.bundle_id,  # a held text that went out inside a bundle: the bundle's id
        "channel": message.channel,  # sms, or call: an escalation step said by phone (body: its words)
    }


def tenant_rows_newest_first(model, time_column, filters: dict):
    """The token's tenant's rows, filtered by the query string, newest first, limited."""
    query = select(model).where(model.tenant == g.tenant.tenant)
    for name, column in filters.items():
        if request.args.get(name):
            query = query.where(column == request.args[name])
    since = since_arg()
    if since is not None:
        query = query.where(time_column >= since)
    return query.order_by(time_column.desc(), model.id.desc()).limit(limit_arg())


def since_arg() -> datetime | None:
    value = request.args.get("since")
    if not value:
        return None
    # An unencoded "+05:00" in a query string arrives as " 05:00" ("+" is a space there).
    value = PLUS_READ_AS_SPACE.sub(r"\1+\2", value)
    try:
        since = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"since must be an ISO 8601 time with offset, not {value!r}") from None
    if since.tzinfo is None:
        raise ApiError(400, "since needs an offset, e.g. 2026-11-23T09:00:00-05:00")
    try:
        return since.astimezone(timezone.utc)  # times are kept in UTC
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first UTC time there is
        raise ApiError(400, f"since is out of range: {value!r}") from None


def limit_arg() -> int:
    value = request.args.get("limit", DEFAULT_LIMIT)
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "limit must be a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 1 and {MAX_LIMIT}")
    return limit


@api.get("/proofs/<int:proof_id>/media")
def proof_media(proof_id: int):
    """A stored proof photo, to the token of the tenant it belongs to only."""
    if proof_id > MAX_ROW_ID:
        raise ApiError(404, f"no proof photo {proof_id}")
    query = select(Proof).where(Proof.id == proof_id, Proof.tenant == g.tenant.tenant)
    with current_runtime().db.session() as session:
        proof = session.scalar(query)
    if proof is None or not proof.media_path or not Path(proof.media_path).is_file():
        raise ApiError(404, f"no proof photo {proof_id}")
    return send_file(proof.media_path, max_age=0)
