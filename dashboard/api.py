"""HTTP API under /api/v1 and the open health check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import text

from dashboard.auth import roles_required
from dashboard.fmt import now_utc
from dashboard.messages import recap_message, snapshot
from data_sources import geo, incidents, logistics, results

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
        _desk().changed("result", outcome.result)
    payload: dict[str, Any] = {"status": outcome.status}
    if outcome.result:
        payload["result"] = outcome.result
    if outcome.errors:
        payload["errors"] = outcome.errors
    if outcome.message:
        payload["message"] = outcome.message
    return jsonify(payload), outcome.http_status


def _not_found(field: str, message: str) -> tuple[Any, int]:
    return jsonify({"error": "tidak ditemukan", "errors": {field: message}}), 404


def _as_of(raw: str | None) -> tuple[datetime | None, str | None]:
    if not raw:
        return None, None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None, "as_of harus waktu ISO 8601 dengan zona, mis. 2024-11-27T16:00:00+07:00"
    if moment.tzinfo is None:
        return None, "as_of wajib menyertakan zona waktu, mis. +07:00"
    return moment, None


@bp.route("/recap/<contest>", methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def get_recap(contest: str) -> Any:
    """Totals of a region (the contest's scope by default) and of each child region, now or as of a moment."""
    as_of, error = _as_of(request.args.get("as_of"))
    if error:
        return jsonify({"error": "parameter tidak sah", "errors": {"as_of": error}}), 422
    recap = _desk().recap
    info = recap.contest(contest)
    if info is None:
        return jsonify(
            {"error": "tidak ditemukan", "errors": {"contest": f"kontestasi {contest!r} tidak dikenal"}}
        ), 404
    region = request.args.get("region") or info.scope_code
    try:
        head, children = recap.totals(contest, region, as_of)
    except KeyError:
        return _not_found("region", f"wilayah {region!r} tidak ada")
    return jsonify(
        {
            "contest": contest,
            "as_of": (as_of or now_utc()).isoformat(),
            "paslon": [{"nomor": p.nomor, "kepala": p.kepala, "wakil": p.wakil, "color": p.color} for p in info.paslon],
            "region": head.as_dict(),
            "children": [c.as_dict() for c in children],
            "seq": _desk().hub.seq,
        }
    )


@bp.route("/live", methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def get_live() -> Any:
    """The latest message of every live stream, for a viewer that missed some (gap or reconnect)."""
    desk = _desk()
    messages = [("recap", recap_message(desk, c.id, consume=False)) for c in desk.recap.contests()]
    messages += snapshot(desk, "incident") + snapshot(desk, "logistics")
    return jsonify(
        {"seq": desk.hub.seq, "messages": [{"event": e, "data": {**m, "resync": True}} for e, m in messages]}
    )


def _reference_now() -> datetime:
    from dashboard.incident_maps import reference_now

    return reference_now(_desk())


def _area() -> incidents.Area:
    """Where incidents of the regency may lie: the configured boundaries, else the kecamatan centroids."""
    desk = _desk()
    return incidents.regency_area(desk.store, geo.load_boundaries(desk.config.boundaries))


@bp.route("/incidents", methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def get_incidents() -> Any:
    """Incidents, newest first, filtered by query parameters (422 naming each bad one).

    category, severity, status, stage, kecamatan: a value or a comma list (status=terbuka: every open status);
    since / updated_since: ISO moments with a zone (occurred / changed at or after); hours: the last N hours
    (of the simulated day in the demo); limit: 1..5000 (500 by default).
    """
    store = _desk().store
    filters, errors = incidents.parse_filters(request.args, _reference_now(), incidents.kecamatan_codes(store))
    unknown = sorted(
        set(request.args) - {*incidents.CHOICE_FILTERS, "kecamatan", "since", "updated_since", "hours", "limit"}
    )
    for name in unknown:
        errors[name] = "parameter tidak dikenal"
    if errors:
        return jsonify({"error": "parameter tidak sah", "errors": errors}), 422
    limit = filters.pop("limit", 500)
    filters.pop("hours", None)
    rows = incidents.list_incidents(store, limit=limit, **filters)
    return jsonify({"incidents": rows, "count": len(rows)})


@bp.route("/incidents/<int:incident_id>", methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def get_incident(incident_id: int) -> Any:
    """One incident with its status history."""
    data = incidents.get_incident(_desk().store, incident_id)
    if data is None:
        return _not_found("id", f"kejadian {incident_id} tidak ada")
    return jsonify(data)


@bp.route("/incidents", methods=["POST"])
@roles_required("admin", "operator", "reporter")
def post_incident() -> Any:
    """Report an incident (422 naming each bad field; nothing is stored then)."""
    body, error = _json_body()
    if error:
        return error
    try:
        data = incidents.create_incident(_desk().store, body, current_user.actor, _area(), strict=True)
    except incidents.IncidentError as exc:
        return jsonify({"error": "data tidak sah", "errors": exc.errors}), 422
    _desk().changed("incident", data)
    return jsonify(data), 201


@bp.route("/incidents/<int:incident_id>", methods=["PATCH"])
@roles_required("admin", "operator")
def patch_incident(incident_id: int) -> Any:
    """Move an incident along its workflow: {"status": …, "note": …} (a note is required to reject)."""
    body, error = _json_body()
    if error:
        return error
    if not isinstance(body, dict):
        return jsonify({"error": "data tidak sah", "errors": {"body": "harus objek JSON"}}), 422
    errors = incidents.unknown_fields(body, incidents.CHANGE_FIELDS, "tidak dapat diubah lewat PATCH")
    if body.get("status") in (None, ""):
        errors["status"] = "wajib diisi"
    if errors:
        return jsonify({"error": "data tidak sah", "errors": errors}), 422
    try:
        data = incidents.change_status(
            _desk().store, incident_id, body.get("status"), current_user.actor, body.get("note")
        )
    except incidents.IncidentError as exc:
        code = 404 if "id" in exc.errors else 422
        return jsonify({"error": "perubahan ditolak", "errors": exc.errors}), code
    _desk().changed("incident", data)
    return jsonify(data)


@bp.route("/logistics", methods=["GET"])
@roles_required("admin", "operator", "viewer", "display")
def get_logistics() -> Any:
    """The logistics board: every kecamatan × item line (filters kecamatan, item, status: a value or a comma list),
    the readiness, the late cut-off and how each line stands."""
    store = _desk().store
    filters, errors = logistics.parse_filters(request.args, logistics.known_values(store))
    for name in sorted(set(request.args) - {"kecamatan", "item", "status"}):
        errors[name] = "parameter tidak dikenal"
    if errors:
        return jsonify({"error": "parameter tidak sah", "errors": errors}), 422
    rows = logistics.board(store, **filters)
    now, cutoff = _reference_now(), logistics.late_cutoff(store)
    return jsonify(
        {
            "lines": [{**logistics.line_dict(r), "state": logistics.line_state(r, now, cutoff)} for r in rows],
            "readiness": round(logistics.readiness(rows), 6),
            "cutoff": cutoff.isoformat() if cutoff else None,
        }
    )


@bp.route("/logistics/<kecamatan>/<item>", methods=["PUT"])
@roles_required("admin", "operator")
def put_logistics(kecamatan: str, item: str) -> Any:
    """Record what a kecamatan received of an item: {"received": n, "status": …} (422 naming each bad field)."""
    body, error = _json_body()
    if error:
        return error
    if not isinstance(body, dict):
        return jsonify({"error": "data tidak sah", "errors": {"body": "harus objek JSON"}}), 422
    try:
        row = logistics.update(
            _desk().store, kecamatan, item, body.get("received"), body.get("status"), current_user.actor.name
        )
    except logistics.LogisticsError as exc:
        return jsonify({"error": "data tidak sah", "errors": exc.errors}), 422
    _desk().changed("logistics", row)
    return jsonify(logistics.line_dict(row))
