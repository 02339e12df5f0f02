"""HTTP side of presenter and followers: the current view, presenter acts, snapshots (freeze, back to live).

Writes need a JSON body (a cross-site form cannot send one without a CORS preflight, which is never granted).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, redirect, request
from flask_login import current_user

from dashboard.api import models as m
from dashboard.api.openapi import described
from dashboard.auth import roles_required
from dashboard.desk import current_desk
from dashboard.live.follow_sockets import presence
from dashboard.live.presence import PRESENTER_ROLES, Person, PresenceError
from data_sources import accounts, snapshots

bp = Blueprint("follow", __name__)
READERS = ("admin", "operator", "viewer", "display")


def _me() -> Person:
    return Person(current_user.get_id(), current_user.name, current_user.role)


def _body() -> tuple[dict[str, Any] | None, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        message = "badan permintaan harus objek JSON"
        return None, (jsonify({"error": message, "errors": {"body": message}}), 422)
    return body, None


def _refused(exc: PresenceError) -> Any:
    state = presence(current_desk()).state()
    return jsonify({"error": str(exc), "errors": {exc.field: str(exc)}, "state": state}), exc.status


def _as_of(raw: Any) -> datetime | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise snapshots.SnapshotError({"as_of": "as_of harus teks waktu ISO 8601"})
    try:
        return datetime.fromisoformat(raw)
    except ValueError as exc:
        raise snapshots.SnapshotError({"as_of": "as_of harus waktu ISO 8601, mis. 2024-11-27T10:00:00+07:00"}) from exc


@bp.route("/ikuti")
def follow_link() -> Any:
    """The follow link for officials in the call: the dashboard in follow mode."""
    return redirect("/?follow=1")


@bp.route("/api/v1/view", methods=["GET"])
@described("Presenter dan tampilan saat ini", responses={200: (m.PresenceState, "Keadaan presenter dan tampilan")})
@roles_required(*READERS)
def get_view() -> Any:
    """The current presenter and view (late join, reconnect)."""
    return jsonify(presence(current_desk()).state())


@bp.route("/api/v1/view", methods=["POST"])
@described(
    "Tampilan presenter (halaman, query, slide)",
    body=m.ViewIn,
    responses={
        200: (m.PresenceState, "Keadaan presenter dan tampilan"),
        409: (m.PresenceRefusal, "Bukan presenter"),
        422: (m.RefusalOut, "Data tidak sah (path, search, slide); pesan per kolom di `errors`"),
    },
)
@roles_required(*PRESENTER_ROLES)
def post_view() -> Any:
    """The presenter's page, query and playlist slide."""
    body, error = _body()
    if error:
        return error
    slide = body.get("slide")
    if slide is not None and (not isinstance(slide, int) or isinstance(slide, bool)):
        return jsonify({"error": "slide harus bilangan bulat", "errors": {"slide": "slide harus bilangan bulat"}}), 422
    try:
        return jsonify(presence(current_desk()).set_view(_me(), body.get("path", ""), body.get("search", ""), slide))
    except PresenceError as exc:
        return _refused(exc)


@bp.route("/api/v1/presenter", methods=["POST"])
@described(
    "Ambil, lepas, serahkan atau ambil alih peran presenter",
    body=m.PresenterIn,
    responses={
        200: (m.PresenceState, "Keadaan presenter dan tampilan"),
        403: (m.RefusalOut, "Peran ini tidak boleh; mengambil alih hanya untuk admin"),
        409: (m.PresenceRefusal, "Ada presenter lain, atau bukan presenter"),
        422: (m.RefusalOut, "Data tidak sah (action, to); pesan per kolom di `errors`"),
    },
)
@roles_required(*PRESENTER_ROLES)
def post_presenter() -> Any:
    """Take, release, hand over (`to`: a username) or, as admin, take over the presenter role."""
    body, error = _body()
    if error:
        return error
    action = body.get("action")
    p = presence(current_desk())
    try:
        if action in ("take", "takeover"):
            return jsonify(p.take(_me(), takeover=action == "takeover"))
        if action == "release":
            return jsonify(p.release(_me()))
        if action == "handover":
            name = body.get("to")
            user = next((u for u in accounts.list_users(current_desk().store) if u.username == name and u.active), None)
            if user is None:
                message = f"pengguna {name!r} tidak ada"
                return jsonify({"error": "pengguna tidak dikenal", "errors": {"to": message}}), 422
            return jsonify(p.handover(_me(), Person(f"u:{user.id}", user.username, user.role)))
    except PresenceError as exc:
        return _refused(exc)
    message = "action harus take, release, handover atau takeover"
    return jsonify({"error": message, "errors": {"action": message}}), 422


@bp.route("/api/v1/snapshots", methods=["POST"])
@described(
    "Bekukan angka semua pengikut (cuplikan)",
    body=m.SnapshotIn,
    responses={201: (m.SnapshotCreated, "Cuplikan dan keadaan beku"), 409: (m.PresenceRefusal, "Bukan presenter")},
)
@roles_required(*PRESENTER_ROLES)
def post_snapshot() -> Any:
    """Freeze every follower's numbers as of now or of `as_of`: a snapshot record, then the frozen view."""
    body, error = _body()
    if error:
        return error
    p = presence(current_desk())
    me = _me()
    if p.presenter is None or p.presenter.key != me.key:
        return _refused(PresenceError("presenter", "hanya presenter yang boleh membekukan tampilan"))
    try:
        store = current_desk().store
        info = snapshots.create_snapshot(store, me.name, _as_of(body.get("as_of")), body.get("note") or "")
    except snapshots.SnapshotError as exc:
        return jsonify({"error": "parameter tidak sah", "errors": exc.errors}), 422
    try:
        state = p.freeze(me, {"id": info.id, "as_of": info.as_of.isoformat(), "label": info.label})
    except PresenceError as exc:
        return _refused(exc)
    return jsonify({"snapshot": info.as_dict(), "state": state}), 201


@bp.route("/api/v1/view/live", methods=["POST"])
@described(
    "Kembali ke angka langsung untuk semua",
    responses={
        200: (m.PresenceState, "Keadaan presenter dan tampilan"),
        409: (m.PresenceRefusal, "Bukan presenter"),
    },
)
@roles_required(*PRESENTER_ROLES)
def post_live() -> Any:
    """Back to live numbers for everyone."""
    try:
        return jsonify(presence(current_desk()).unfreeze(_me()))
    except PresenceError as exc:
        return _refused(exc)


@bp.route("/api/v1/snapshots", methods=["GET"])
@described("Cuplikan yang lalu, terbaru dulu", responses={200: (m.SnapshotList, "Daftar cuplikan")})
@roles_required(*READERS)
def get_snapshots() -> Any:
    """Past snapshots, newest first."""
    return jsonify({"snapshots": [s.as_dict() for s in snapshots.list_snapshots(current_desk().store)]})


@bp.route("/api/v1/snapshots/<int:snapshot_id>", methods=["GET"])
@described(
    "Satu cuplikan dengan total setiap kontestasi pada saat itu",
    path={"snapshot_id": "Nomor cuplikan"},
    responses={200: (m.SnapshotDetail, "Cuplikan dan total tiap kontestasi"), 404: (m.ErrorOut, "Tidak ada")},
)
@roles_required(*READERS)
def get_snapshot(snapshot_id: int) -> Any:
    """A snapshot and every contest's headline totals as of its moment (from the stored result versions)."""
    desk = current_desk()
    info = snapshots.get_snapshot(desk.store, snapshot_id)
    if info is None:
        return jsonify({"error": "tidak ditemukan", "errors": {"snapshot": f"cuplikan {snapshot_id} tidak ada"}}), 404
    contests = {}
    for contest in desk.recap.contests():
        head, _children = desk.recap.totals(contest.id, as_of=info.as_of)
        contests[contest.id] = head.as_dict()
    return jsonify({"snapshot": info.as_dict(), "contests": contests})
