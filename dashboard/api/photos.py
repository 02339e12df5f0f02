"""C1 photos over HTTP: upload with a result (API) and serve to logged-in users.

- `POST /api/v1/tallies/{contest}/{tps}/photo` (multipart, field `photo`): keeps a JPEG/PNG photo with the
  current version of that TPS result. 201 stored, 200 the same photo again, 404 no result yet, 413 over 5 MB,
  422 not a JPEG/PNG image, 401/403. Admins, operators and reporter tokens (within their region) may upload.
- `GET /photos/{id}` and `GET /photos/{id}/thumb`: the cleaned image, for logged-in users only (admin, operator,
  viewer). A C1 photo shows signatures and names of the KPPS, so display screens and reporter tokens get 404
  (as if it did not exist); anonymous requests are sent to the login form by the access guard.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, send_file
from flask_login import current_user

from dashboard.api import models as m
from dashboard.api.refusals import refusal
from dashboard.auth import roles_required
from dashboard.desk import current_desk
from data_sources import photos
from data_sources.domain.fields import tps_code

bp = Blueprint("photos", __name__)
VIEWERS = ("admin", "operator", "viewer")
UPLOAD_SLACK = 64 * 1024  # multipart headers around the file

# responses given as (model, description) are completed by dashboard/openapi.py like those of `described`
OPENAPI_PATHS: dict[str, Any] = {
    "/api/v1/tallies/{contest}/{tps}/photo": {
        "post": {
            "summary": "Foto C1 untuk versi terakhir hasil TPS (JPEG/PNG, ≤ 5 MB, metadata dibuang)",
            "parameters": [
                {
                    "name": "contest",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "pilbup-banyuasin",
                },
                {
                    "name": "tps",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "16.07.08.2001.003",
                },
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["photo"],
                            "properties": {"photo": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            },
            "responses": {
                "201": (m.PhotoAnswer, "foto tersimpan"),
                "200": (m.PhotoAnswer, "foto yang sama sudah tersimpan"),
                "401": {"description": "perlu token"},
                "403": {"description": "peran atau wilayah tidak boleh"},
                "404": {"description": "TPS belum punya hasil"},
                "413": {"description": "lebih dari 5 MB"},
                "422": {"description": "bukan gambar JPEG/PNG"},
            },
        }
    }
}


def _refused(field: str, message: str, status: int) -> tuple[Any, int]:
    return refusal(status, "foto ditolak", {field: message})


@bp.route("/api/v1/tallies/<contest>/<tps>/photo", methods=["POST"])
@roles_required("admin", "operator", "reporter")
def post_photo(contest: str, tps: str) -> Any:
    """Keep a C1 photo with the current version of a TPS result."""
    if request.content_length and request.content_length > photos.MAX_BYTES + UPLOAD_SLACK:
        return _refused("photo", "paling besar 5 MB", 413)
    try:
        code = tps_code(tps)
    except ValueError as exc:
        return _refused("tps", str(exc), 422)
    upload = request.files.get("photo")
    if upload is None:
        return _refused("photo", "wajib: berkas di bagian multipart bernama 'photo'", 422)
    data = upload.stream.read(photos.MAX_BYTES + 1)  # the client's file name is never used
    desk = current_desk()
    result_id = photos.current_result_id(desk.store, contest, code)
    if result_id is None:
        return _refused("tps", f"TPS {code} belum punya hasil untuk {contest}", 404)
    try:
        info, created = photos.attach_photo(desk.store, desk.config.data_dir, result_id, data, current_user.actor)
    except photos.PhotoError as exc:
        return _refused(exc.field, exc.message, exc.status)
    return jsonify({"status": "created" if created else "same", "photo": info.as_dict()}), 201 if created else 200


post_photo.openapi = OPENAPI_PATHS["/api/v1/tallies/{contest}/{tps}/photo"]["post"]  # read by dashboard/openapi.py


def _serve(photo_id: int, thumb: bool) -> Any:
    if getattr(current_user, "role", None) not in VIEWERS:
        return refusal(404, "tidak ditemukan")
    desk = current_desk()
    found = photos.photo_file(desk.store, desk.config.data_dir, photo_id, thumb)
    if found is None:
        return refusal(404, "tidak ditemukan")
    path, media_type = found
    response = send_file(path, mimetype=media_type, max_age=3600, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Disposition"] = f"inline; filename=c1-{photo_id}{path.suffix}"
    return response


@bp.route("/photos/<int:photo_id>")
def get_photo(photo_id: int) -> Any:
    """A stored C1 photo, for logged-in users."""
    return _serve(photo_id, thumb=False)


@bp.route("/photos/<int:photo_id>/thumb")
def get_thumb(photo_id: int) -> Any:
    """The thumbnail of a stored C1 photo, for logged-in users."""
    return _serve(photo_id, thumb=True)
