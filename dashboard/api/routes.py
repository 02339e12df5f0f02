"""HTTP API under /api/v1 and the open health check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from dashboard.api import models as m
from dashboard.api.bodies import json_body
from dashboard.api.openapi import build_document, described, parameters
from dashboard.api.refusals import answer_bad_input, refusal
from dashboard.auth import ALL_ROLES, roles_required
from dashboard.desk import current_desk
from dashboard.live.messages import recap_message, snapshot
from data_sources import geo, incidents, logistics, results
from data_sources.domain.fields import IDEMPOTENCY_KEY
from data_sources.domain.fmt import now_utc
from data_sources.domain.inputs import IncidentIn, IncidentPatch, LogisticsIn, TallyIn
from data_sources.domain.limits import DEFAULT_LIMIT
from data_sources.domain.queries import IncidentQuery, LogisticsQuery, RecapQuery
from data_sources.errors import INVALID_PARAMETERS, FieldErrors

bp = Blueprint("api", __name__, url_prefix="/api/v1")
answer_bad_input(bp)
health = Blueprint("health", __name__)
MAX_ID = 2**31 - 1  # ids are 32-bit in the store; a larger one names nothing
READERS = ("admin", "operator", "viewer", "display")
NOT_FOUND = "tidak ditemukan"
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Kunci unik pengirim: kiriman ulang dengan kunci yang sama disimpan sekali (200)",
    "schema": {"type": "string", "pattern": "^" + IDEMPOTENCY_KEY.pattern + "$"},
}


@bp.before_request
def refuse_nul_in_url() -> Any:
    """Query parameters or path parts with a NUL character name nothing (and no database stores one)."""
    bad = [k for k, v in request.args.items(multi=True) if "\x00" in k or "\x00" in v]
    if "\x00" in request.path:
        bad.append("path")
    if bad:
        return refusal(422, INVALID_PARAMETERS, dict.fromkeys(bad, "tidak boleh berisi karakter NUL"))
    return None


@bp.before_app_request
def _refuse_huge_ids() -> Any:
    """A number in a URL (incident, snapshot, photo) beyond the store's 32-bit ids names nothing: 404 (JSON).

    Without this check the database itself refuses the lookup (SQLite: OverflowError; PostgreSQL: integer out
    of range), which would be a server error.
    """
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        return refusal(404, NOT_FOUND, {"id": "nomor terlalu besar: tidak ada"})
    return None


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
def _api_http_error(exc: HTTPException) -> Any:
    """Errors under /api/ answer JSON; other paths keep Flask's pages."""
    if not request.path.startswith("/api/"):
        return exc
    return refusal(exc.code or 500, exc.name.lower())


@health.route("/healthz")
def healthz() -> Any:
    """Liveness and database reachability; no data, no auth."""
    try:
        with current_desk().store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return jsonify({"status": "error"}), 503
    return jsonify({"status": "ok"})


TALLY_EXAMPLES = {
    "baru": {"summary": "Hasil TPS baru", "value": TallyIn.model_config["json_schema_extra"]["examples"][0]},
    "kode_kpu": {
        "summary": "Kode TPS bentuk KPU",
        "value": {
            "contest": "pilbup-banyuasin",
            "tps": "1607082007004",
            "votes": {"1": 120, "2": 80, "3": 10, "4": 5, "5": 2},
            "suara_tidak_sah": 5,
        },
    },
    "koreksi": {
        "summary": "Koreksi (admin/operator) dengan alasan",
        "value": {
            "contest": "pilbup-banyuasin",
            "tps": "16.07.08.2007.003",
            "votes": {"1": 121, "2": 80, "3": 10, "4": 5, "5": 2},
            "suara_tidak_sah": 4,
            "correction": True,
            "reason": "salah ketik pada C1, dicek dengan foto",
        },
    },
}


@bp.route("/tallies", methods=["POST"])
@described(
    "Kirim hasil satu TPS (C1)",
    body=TallyIn,
    headers=[IDEMPOTENCY],
    examples=TALLY_EXAMPLES,
    responses={
        201: (m.TallyAnswer, "Tersimpan sebagai versi baru"),
        200: (m.TallyAnswer, "Hasil yang sama sudah tersimpan (disimpan sekali)"),
        403: (m.TallyAnswer, "Peran atau wilayah token tidak mengizinkan"),
        409: (m.TallyAnswer, "TPS sudah punya hasil dengan angka berbeda; kirim sebagai koreksi dengan alasan"),
        422: (m.TallyAnswer, "Data tidak sah; pesan per kolom di `errors`, tidak ada yang disimpan"),
    },
    response_examples={
        422: {
            "status": "rejected",
            "error": "data tidak sah",
            "errors": {"votes.6": "paslon nomor 6 tidak ada dalam kontestasi ini"},
        },
    },
)
@roles_required("admin", "operator", "reporter")
def post_tally() -> Any:
    """Submit one TPS result through the common ingest path (DESIGN §4, §5), which reads the body as `TallyIn`."""
    key = request.headers.get("Idempotency-Key")
    try:
        outcome = results.submit_result(current_desk().store, json_body(), current_user.actor, "api", key)
    except FieldErrors as exc:  # no JSON: 413, 415, or 422 (said "rejected", like any refused result)
        if exc.status != results.HTTP_STATUS[results.REJECTED]:
            raise
        return jsonify({"status": results.REJECTED, **exc.answer()}), exc.status
    payload: dict[str, Any] = {"status": outcome.status}
    if outcome.result:
        payload["result"] = outcome.result
    if outcome.errors:
        payload.update(FieldErrors(outcome.errors).answer())
    if outcome.message:
        payload["message"] = outcome.message
    return jsonify(payload), outcome.http_status


@bp.route("/openapi.json", methods=["GET"])
@described("Dokumen OpenAPI ini", responses={200: (None, "Dokumen OpenAPI 3.1 (JSON)")})
@roles_required(*ALL_ROLES)
def get_openapi() -> Any:
    """The OpenAPI document of every route under /api/v1."""
    cache = current_desk().extras
    if "openapi" not in cache:
        cache["openapi"] = build_document(current_app)
    return jsonify(cache["openapi"])


def _not_found(field: str, message: str) -> tuple[Any, int]:
    return refusal(404, NOT_FOUND, {field: message})


@bp.route("/recap/<contest>", methods=["GET"])
@described(
    "Rekap satu kontestasi: wilayah dan anak-anak wilayahnya",
    path={"contest": "Kontestasi, mis. pilbup-banyuasin atau pilgub-sumsel"},
    query=parameters(RecapQuery),
    responses={
        200: (m.RecapOut, "Total wilayah dan setiap anak wilayah"),
        404: (m.ErrorOut, "Kontestasi atau wilayah tidak dikenal"),
        422: (m.ErrorOut, "Parameter tidak sah"),
    },
)
@roles_required(*READERS)
def get_recap(contest: str) -> Any:
    """Totals of a region (the contest's scope by default) and of each child region, now or as of a moment."""
    asked = RecapQuery.parse(request.args.to_dict(), summary=INVALID_PARAMETERS)
    as_of = asked.as_of
    recap = current_desk().recap
    info = recap.contest(contest)
    if info is None:
        return _not_found("contest", f"kontestasi {contest!r} tidak dikenal")
    region = asked.region or info.scope_code
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
            "seq": current_desk().hub.seq,
        }
    )


@bp.route("/live", methods=["GET"])
@described(
    "Pesan terakhir setiap aliran langsung (untuk sinkron ulang)",
    responses={200: (m.LiveOut, "Nomor urut terakhir dan pesan terakhir tiap aliran")},
)
@roles_required(*READERS)
def get_live() -> Any:
    """The latest message of every live stream, for a viewer that missed some (gap or reconnect)."""
    desk = current_desk()
    messages = [("recap", recap_message(desk, c.id, consume=False)) for c in desk.recap.contests()]
    messages += snapshot(desk, "incident") + snapshot(desk, "logistics")
    return jsonify(
        {"seq": desk.hub.seq, "messages": [{"event": e, "data": {**m, "resync": True}} for e, m in messages]}
    )


def _reference_now() -> datetime:
    from dashboard.charts.incident_maps import reference_now

    return reference_now(current_desk())


def _area() -> incidents.Area:
    """Where incidents of the regency may lie: the configured boundaries, else the kecamatan centroids."""
    desk = current_desk()
    return incidents.regency_area(desk.store, geo.load_boundaries(desk.config.boundaries))


@bp.route("/incidents", methods=["GET"])
@described(
    "Daftar kejadian, terbaru dulu",
    query=parameters(IncidentQuery),
    responses={200: (m.IncidentList, "Kejadian"), 422: (m.ErrorOut, "Parameter tidak sah, per nama")},
)
@roles_required(*READERS)
def get_incidents() -> Any:
    """Incidents, newest first, filtered by query parameters (422 naming each bad one).

    category, severity, status, stage, kecamatan: a value or a comma list (status=terbuka: every open status);
    since / updated_since: ISO moments with a zone (occurred / changed at or after); hours: the last N hours
    (of the simulated day in the demo); limit: 1..5000 (500 by default).
    """
    store = current_desk().store
    filters, errors = incidents.parse_filters(request.args, _reference_now(), incidents.kecamatan_codes(store), True)
    if errors:
        raise FieldErrors(errors, INVALID_PARAMETERS)
    limit = filters.pop("limit", DEFAULT_LIMIT)
    filters.pop("hours", None)
    rows = incidents.list_incidents(store, limit=limit, **filters)
    return jsonify({"incidents": rows, "count": len(rows)})


@bp.route("/incidents/<int:incident_id>", methods=["GET"])
@described(
    "Satu kejadian dengan riwayat statusnya",
    path={"incident_id": "Nomor kejadian"},
    responses={200: (m.IncidentOut, "Kejadian"), 404: (m.ErrorOut, "Tidak ada")},
)
@roles_required(*READERS)
def get_incident(incident_id: int) -> Any:
    """One incident with its status history."""
    if incident_id > MAX_ID:
        return _not_found("id", f"kejadian {incident_id} tidak ada")
    data = incidents.get_incident(current_desk().store, incident_id)
    if data is None:
        return _not_found("id", f"kejadian {incident_id} tidak ada")
    return jsonify(data)


@bp.route("/incidents", methods=["POST"])
@described(
    "Laporkan kejadian",
    body=IncidentIn,
    examples={
        "kejadian": {
            "summary": "Kejadian di TPS",
            "value": IncidentIn.model_config["json_schema_extra"]["examples"][0],
        }
    },
    responses={201: (m.IncidentOut, "Tersimpan dengan status baru")},
)
@roles_required("admin", "operator", "reporter")
def post_incident() -> Any:
    """Report an incident (422 naming each bad field; nothing is stored then)."""
    data = incidents.create_incident(current_desk().store, json_body(), current_user.actor, _area(), strict=True)
    return jsonify(data), 201


@bp.route("/incidents/<int:incident_id>", methods=["PATCH"])
@described(
    "Ubah status kejadian",
    path={"incident_id": "Nomor kejadian"},
    body=IncidentPatch,
    examples={"verifikasi": {"summary": "Diverifikasi", "value": {"status": "diverifikasi", "note": "dicek"}}},
    responses={200: (m.IncidentOut, "Status berubah"), 404: (m.ErrorOut, "Tidak ada")},
)
@roles_required("admin", "operator")
def patch_incident(incident_id: int) -> Any:
    """Move an incident along its workflow: {"status": …, "note": …} (a note is required to reject)."""
    body = json_body()
    if incident_id > MAX_ID:
        return _not_found("id", f"kejadian {incident_id} tidak ada")
    return jsonify(incidents.patch_incident(current_desk().store, incident_id, body, current_user.actor))


@bp.route("/logistics", methods=["GET"])
@described(
    "Papan logistik",
    query=parameters(LogisticsQuery),
    responses={200: (m.LogisticsBoard, "Baris papan"), 422: (m.ErrorOut, "Parameter tidak sah, per nama")},
)
@roles_required(*READERS)
def get_logistics() -> Any:
    """The logistics board: every kecamatan × item line (filters kecamatan, item, status: a value or a comma list),
    the readiness, the late cut-off and how each line stands."""
    store = current_desk().store
    filters, errors = logistics.parse_filters(request.args, logistics.known_values(store), strict=True)
    if errors:
        raise FieldErrors(errors, INVALID_PARAMETERS)
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
@described(
    "Catat penerimaan satu barang di satu kecamatan",
    path={"kecamatan": "Kode kecamatan, mis. 16.07.10", "item": "Barang, mis. tinta atau surat-suara-pilbup-banyuasin"},
    body=LogisticsIn,
    examples={"kurang": {"summary": "Diterima kurang", "value": {"received": 120, "status": "kurang"}}},
    responses={200: (m.LogisticsLine, "Baris tersimpan")},
)
@roles_required("admin", "operator")
def put_logistics(kecamatan: str, item: str) -> Any:
    """Record what a kecamatan received of an item: {"received": n, "status": …} (422 naming each bad field)."""
    row = logistics.update_line(current_desk().store, kecamatan, item, json_body(), current_user.actor.name)
    return jsonify(logistics.line_dict(row))
