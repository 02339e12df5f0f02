"""HTTP side of presenter and followers: the current view, presenter acts, snapshots (freeze, back to live).

Writes need a JSON body (a cross-site form cannot send one without a CORS preflight, which is never granted).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, request
from flask_login import current_user

from dashboard.api import models as m
from dashboard.api.openapi import described
from dashboard.api.refusals import answer_bad_input, refusal
from dashboard.auth import roles_required
from dashboard.desk import current_desk
from dashboard.live.follow_sockets import presence
from dashboard.live.presence import PRESENTER_ROLES, Person, PresenceError
from data_sources import accounts, snapshots
from data_sources.domain.inputs import PresenterIn, SnapshotIn, ViewIn
from data_sources.errors import FieldErrors

bp = Blueprint("follow", __name__)
answer_bad_input(bp)
READERS = ("admin", "operator", "viewer", "display")


def _me() -> Person:
    return Person(current_user.get_id(), current_user.name, current_user.role)


def _body() -> Any:
    """The JSON body; anything that is not (a form, bad JSON) is read as nothing and refused by the model."""
    return request.get_json(silent=True)


@bp.errorhandler(PresenceError)
def _refused_by_rule(exc: PresenceError) -> Any:
    """A presenter rule's refusal carries the current state (who presents now); a bad body does not."""
    return jsonify({**exc.answer(), "state": presence(current_desk()).state()}), exc.status


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
    body=ViewIn,
    responses={
        200: (m.PresenceState, "Keadaan presenter dan tampilan"),
        409: (m.PresenceRefusal, "Bukan presenter"),
        422: (m.RefusalOut, "Data tidak sah (path, search, slide); pesan per kolom di `errors`"),
    },
)
@roles_required(*PRESENTER_ROLES)
def post_view() -> Any:
    """The presenter's page, query and playlist slide."""
    view = ViewIn.parse(_body())
    return jsonify(presence(current_desk()).set_view(_me(), view.path, view.search, view.slide))


@bp.route("/api/v1/presenter", methods=["POST"])
@described(
    "Ambil, lepas, serahkan atau ambil alih peran presenter",
    body=PresenterIn,
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
    act = PresenterIn.parse(_body())
    p = presence(current_desk())
    if act.action in ("take", "takeover"):
        return jsonify(p.take(_me(), takeover=act.action == "takeover"))
    if act.action == "release":
        return jsonify(p.release(_me()))
    users = accounts.list_users(current_desk().store)
    user = next((u for u in users if u.username == act.to and u.active), None)
    if user is None:
        raise FieldErrors({"to": f"pengguna {act.to!r} tidak ada"}, "pengguna tidak dikenal")
    return jsonify(p.handover(_me(), Person(f"u:{user.id}", user.username, user.role)))


@bp.route("/api/v1/snapshots", methods=["POST"])
@described(
    "Bekukan angka semua pengikut (cuplikan)",
    body=SnapshotIn,
    responses={201: (m.SnapshotCreated, "Cuplikan dan keadaan beku"), 409: (m.PresenceRefusal, "Bukan presenter")},
)
@roles_required(*PRESENTER_ROLES)
def post_snapshot() -> Any:
    """Freeze every follower's numbers as of now or of `as_of`: a snapshot record, then the frozen view."""
    asked = SnapshotIn.parse(_body())
    p = presence(current_desk())
    me = _me()
    if p.presenter is None or p.presenter.key != me.key:
        raise PresenceError("presenter", "hanya presenter yang boleh membekukan tampilan")
    info = snapshots.record_snapshot(current_desk().store, me.name, asked)
    state = p.freeze(me, {"id": info.id, "as_of": info.as_of.isoformat(), "label": info.label})
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
    return jsonify(presence(current_desk()).unfreeze(_me()))


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
        return refusal(404, "tidak ditemukan", {"snapshot": f"cuplikan {snapshot_id} tidak ada"})
    contests = {}
    for contest in desk.recap.contests():
        head, _children = desk.recap.totals(contest.id, as_of=info.as_of)
        contests[contest.id] = head.as_dict()
    return jsonify({"snapshot": info.as_dict(), "contests": contests})
