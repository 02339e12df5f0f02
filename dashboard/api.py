"""HTTP API under /api/v1 and the open health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import text

from dashboard.auth import roles_required
from data_sources import incidents, logistics, results

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health = Blueprint("health", __name__)
MAX_BODY = 64 * 1024


def _desk():
    return current_app.extensions["desk"]


def _json_body() -> tuple[Any, tuple[Any, int] | None]:
    if request.content_length and request.content_length > MAX_BODY:
        return None, (jsonify({"error": "badan permintaan terlalu besar"}), 413)
    body = request.get_json(silent=True)
    if body is None:
        return None, (jsonify({"error": "badan permintaan harus JSON", "errors": {"body": "JSON tidak sah"}}), 422)
    return body, None


@health.route("/healthz")
def healthz() -> Any:
    """Liveness and database reachability; no data, no auth."""
    try:
        with _desk().store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return jsonify({"status": "error"}), 503
    return jsonify({"status": "ok"})


@bp.route("/tallies", methods=["POST"])
@roles_required("admin", "operator", "reporter")
def post_tally() -> Any:
    """Submit one TPS result through the common ingest path."""
    body, error = _json_body()
    if error:
        return error
    outcome = results.submit_result(
        _desk().store, body, current_user.actor, source="api", idempotency_key=request.headers.get("Idempotency-Key")
    )
    if outcome.changed:
        _desk().hub.notify("result", outcome.result)
    payload: dict[str, Any] = {"status": outcome.status}
    if outcome.result:
        payload["result"] = outcome.result
    if outcome.errors:
        payload["errors"] = outcome.errors
    if outcome.message:
        payload["message"] = outcome.message
    return jsonify(payload), outcome.http_status


@bp.route("/incidents", methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def get_incidents() -> Any:
    """Incidents, newest first, filtered by query parameters."""
    filters = {k: request.args.get(k) for k in ("category", "severity", "status", "stage", "kecamatan")}
    return jsonify({"incidents": incidents.list_incidents(_desk().store, **filters)})


@bp.route("/incidents", methods=["POST"])
@roles_required("admin", "operator", "reporter")
def post_incident() -> Any:
    """Report an incident."""
    body, error = _json_body()
    if error:
        return error
    try:
        data = incidents.create_incident(_desk().store, body, current_user.actor)
    except incidents.IncidentError as exc:
        return jsonify({"error": "data tidak sah", "errors": exc.errors}), 422
    _desk().hub.notify("incident", data)
    return jsonify(data), 201


@bp.route("/incidents/<int:incident_id>", methods=["PATCH"])
@roles_required("admin", "operator")
def patch_incident(incident_id: int) -> Any:
    """Move an incident along its workflow."""
    body, error = _json_body()
    if error:
        return error
    if not isinstance(body, dict):
        return jsonify({"errors": {"body": "harus objek JSON"}}), 422
    try:
        data = incidents.change_status(
            _desk().store, incident_id, body.get("status"), current_user.actor, body.get("note")
        )
    except incidents.IncidentError as exc:
        code = 404 if "id" in exc.errors else 422
        return jsonify({"error": "perubahan ditolak", "errors": exc.errors}), code
    _desk().hub.notify("incident", data)
    return jsonify(data)


@bp.route("/logistics/<kecamatan>/<item>", methods=["PUT"])
@roles_required("admin", "operator")
def put_logistics(kecamatan: str, item: str) -> Any:
    """Record what a kecamatan received of an item."""
    body, error = _json_body()
    if error:
        return error
    if not isinstance(body, dict):
        return jsonify({"errors": {"body": "harus objek JSON"}}), 422
    try:
        row = logistics.update(
            _desk().store, kecamatan, item, body.get("received"), body.get("status"), current_user.actor.name
        )
    except logistics.LogisticsError as exc:
        return jsonify({"error": "data tidak sah", "errors": exc.errors}), 422
    _desk().hub.notify("logistics", row)
    return jsonify(
        {
            "kecamatan": row.kecamatan_code,
            "item": row.item,
            "needed": row.needed,
            "received": row.received,
            "status": row.status,
        }
    )
