"""Exports over HTTP: `GET /api/v1/export/results.csv`, `/recap.csv`, `/incidents.csv` (streamed downloads).

Who: logged-in users (admin, operator, viewer). A display token is a screen's read-only pass (it may be on a
wall, in a browser's history, in a shared vicon) and a reporter token submits only: neither may take the whole
internal count away in one file, so both get 403. Each download leaves an audit row `export.<kind>` with the
user, the parameters and how many rows were sent (written when the stream ends, also when it is cut short).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, request, stream_with_context
from flask_login import current_user

from dashboard.api.models import ErrorOut
from dashboard.api.openapi import described, parameters, query
from dashboard.api.refusals import refusal
from dashboard.api.routes import refuse_nul_in_url
from dashboard.auth import roles_required
from dashboard.desk import current_desk
from data_sources import exports, incidents
from data_sources.domain.fmt import now_utc
from data_sources.domain.queries import IncidentQuery
from data_sources.errors import INVALID_PARAMETERS

bp = Blueprint("export", __name__, url_prefix="/api/v1/export")
bp.before_request(refuse_nul_in_url)
EXPORTERS = ("admin", "operator", "viewer")
CSV = "text/csv"
TRUE, FALSE = ("1", "true", "ya"), ("", "0", "false", "tidak")
INCIDENT_PARAMS = (*(n for n in IncidentQuery.model_fields if n != "limit"), "region", "as_of")  # a file is whole
AS_OF = query(
    "as_of",
    "Keadaan pada saat ini (ISO 8601 dengan zona); bawaan: sekarang",
    {"type": "string", "format": "date-time"},
)


def _answers() -> dict[int, tuple[Any, str]]:
    """The documented answers of an export: the CSV, or a JSON refusal naming the parameters."""
    return {
        200: (None, "Berkas CSV (UTF-8 dengan BOM, pemisah koma), sebagai lampiran"),
        404: (ErrorOut, "Kontestasi atau wilayah tidak dikenal"),
        422: (ErrorOut, "Parameter tidak sah; pesan per parameter di `errors`"),
    }


def _refused(errors: dict[str, str]) -> tuple[Any, int]:
    """404 when only the contest or region names nothing (as GET /api/v1/recap), else 422."""
    if set(errors) <= {"contest", "region"} and not any("wajib" in v for v in errors.values()):
        return refusal(404, "tidak ditemukan", errors)
    return refusal(422, INVALID_PARAMETERS, errors)


def _checked_args(allowed: tuple[str, ...]) -> dict[str, str]:
    """Errors for unknown parameters (NUL characters are refused before, as on every API route)."""
    return {name: "parameter tidak dikenal" for name in sorted(set(request.args) - set(allowed))}


def _flag(name: str, errors: dict[str, str]) -> bool:
    value = request.args.get(name, "").strip().lower()
    if value in TRUE:
        return True
    if value not in FALSE:
        errors[name] = "harus 1/true/ya atau 0/false/tidak"
    return False


def _download(table: exports.Table, params: dict[str, Any], name: str) -> Response:
    """Stream a table as a CSV attachment; the audit row is written when the stream ends (or is cut)."""
    store, who = current_desk().store, current_user.name

    def body() -> Iterator[str]:
        try:
            yield from exports.csv_chunks(table)
        finally:
            exports.record(store, who, table, params)

    response = Response(stream_with_context(body()), mimetype=CSV)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _common(allowed: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """The parameters every export takes (contest, region, as_of), checked; and the errors so far."""
    errors = _checked_args(allowed)
    params: dict[str, Any] = {"contest": request.args.get("contest") or None, "region": request.args.get("region")}
    params["region"] = params["region"] or None
    try:
        params["as_of"] = exports.parse_moment(request.args.get("as_of"))
    except exports.ExportError as exc:
        errors.update(exc.errors)
        params["as_of"] = None
    return params, errors


def _audited(params: dict[str, Any], **more: Any) -> dict[str, Any]:
    as_of = params.get("as_of")
    return {**params, "as_of": as_of.isoformat() if as_of else None, "format": "csv", **more}


@bp.route("/results.csv", methods=["GET"])
@described(
    "Unduh hasil TPS (CSV yang dibaca `import tallies`)",
    query=[
        query("contest", "Kontestasi (bawaan: semua)"),
        query("region", "Hanya TPS di wilayah ini, mis. 16.07.08, atau satu kode TPS"),
        AS_OF,
        query("semua_versi", "Setiap versi, bukan hanya versi terkini", {"type": "boolean"}),
        query("tanpa_perlu_dicek", "Keluarkan hasil yang masih perlu dicek", {"type": "boolean"}),
    ],
    responses=_answers(),
    media={200: CSV},
)
@roles_required(*EXPORTERS)
def export_results() -> Any:
    """The current version of every TPS result (or every version), now or as of a moment, as CSV: contest, tps,
    suara_1..suara_N, suara_tidak_sah, suara_sah, pengguna_hak_pilih, submitted_at (what `python -m dashboard import
    tallies` reads), then status, flags, version, kind, reason, author, source, received_at (WIB). Results held for
    review are included by default (status `perlu_dicek`)."""
    params, errors = _common(("contest", "region", "as_of", "semua_versi", "tanpa_perlu_dicek"))
    all_versions, no_held = _flag("semua_versi", errors), _flag("tanpa_perlu_dicek", errors)
    if errors:
        return _refused(errors)
    store = current_desk().store
    try:
        table = exports.results_table(
            store, params["contest"], params["region"], params["as_of"], all_versions=all_versions, held=not no_held
        )
    except exports.ExportError as exc:
        return _refused(exc.errors)
    name = exports.file_name("results", params["contest"], params["region"], params["as_of"] or now_utc())
    return _download(table, _audited(params, semua_versi=all_versions, tanpa_perlu_dicek=no_held), name)


@bp.route("/recap.csv", methods=["GET"])
@described(
    "Unduh rekap per wilayah anak satu kontestasi (CSV)",
    query=[
        {**query("contest", "Kontestasi, mis. pilbup-banyuasin"), "required": True},
        query("region", "Wilayah yang dirinci (bawaan: cakupan kontestasi), mis. 16.07.08"),
        AS_OF,
    ],
    responses=_answers(),
    media={200: CSV},
)
@roles_required(*EXPORTERS)
def export_recap() -> Any:
    """One row per child region of `region`, then the region's own total: kode, nama, tingkat, TPS masuk/total,
    perlu dicek, janggal, DPT, pengguna hak pilih, suara sah/tidak sah, suara and persen per paslon, partisipasi;
    the same numbers as GET /api/v1/recap/{contest}."""
    params, errors = _common(("contest", "region", "as_of"))
    if not params["contest"]:
        errors["contest"] = "wajib diisi, mis. pilbup-banyuasin"
    if errors:
        return _refused(errors)
    try:
        table = exports.recap_table(current_desk().recap, params["contest"], params["region"], params["as_of"])
    except exports.ExportError as exc:
        return _refused(exc.errors)
    name = exports.file_name("recap", params["contest"], params["region"], params["as_of"] or now_utc())
    return _download(table, _audited(params), name)


@bp.route("/incidents.csv", methods=["GET"])
@described(
    "Unduh kejadian (CSV yang dibaca `import incidents`)",
    query=[
        *(p for p in parameters(IncidentQuery) if p["name"] in INCIDENT_PARAMS),
        query("region", "Wilayah (kecamatan atau lebih luas; desa/TPS: kejadian di sana)"),
        AS_OF,
    ],
    responses=_answers(),
    media={200: CSV},
)
@roles_required(*EXPORTERS)
def export_incidents() -> Any:
    """Incidents in arrival order: kecamatan, desa, tps, latitude, longitude, occurred_at, stage, category, severity,
    description (what `python -m dashboard import incidents` reads), then id, nama_kecamatan, status, reporter,
    created_at, updated_at, perubahan and riwayat; with `as_of`, the incidents and their status as they stood then.
    The filters are those of GET /api/v1/incidents (without a limit)."""
    from dashboard.charts.incident_maps import reference_now

    params, errors = _common(INCIDENT_PARAMS)
    store = current_desk().store
    args = {k: v for k, v in request.args.items() if k not in ("region", "as_of") and "\x00" not in k + v}
    filters, bad = incidents.parse_filters(args, reference_now(current_desk()), incidents.kecamatan_codes(store))
    errors.update(bad)
    if errors:
        return _refused(errors)
    chosen = {k: tuple(filters.get(k) or ()) for k in ("category", "severity", "status", "stage", "kecamatan")}
    try:
        table = exports.incidents_table(
            store,
            exports.IncidentFilters(
                **chosen,
                region=params["region"],
                since=filters.get("since"),
                updated_since=filters.get("updated_since"),
                as_of=params["as_of"],
            ),
        )
    except exports.ExportError as exc:
        return _refused(exc.errors)
    audited = _audited(params, **{k: ",".join(v) for k, v in chosen.items()})
    audited.update(since=filters["since"].isoformat() if filters.get("since") else None, hours=filters.get("hours"))
    del audited["contest"]
    name = exports.file_name("incidents", None, params["region"], params["as_of"] or now_utc())
    return _download(table, audited, name)
