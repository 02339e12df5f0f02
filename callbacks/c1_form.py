"""The C1 form's callbacks: the TPS chain, the chosen TPS's facts and versions, save, confirm, copy numbers.

Sums and rule checks while typing run in the browser (assets/c1.js: `window.dash_clientside.c1`), so typing
costs no request. Saving goes through `results.submit_result` (the one ingest path) with the operator as
author, a correction when a reason is given, and the optional photo through `photos`; nothing is stored when
the form or the photo is refused.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from flask_login import current_user

from callbacks import chains
from data_sources import photos, results
from data_sources.domain.actors import Actor
from data_sources.domain.codes import normalize_tps_code
from data_sources.store import Store
from layouts.c1_form import (
    desa_options,
    find_contest,
    refusal,
    saved_view,
    tps_facts,
    tps_meta,
    tps_options,
    versions_table,
    vote_fields,
)
from layouts.common import desk, has_role

DENIED = html.Div("Hanya operator atau admin yang boleh menyimpan hasil.", className="notice notice-error")


def decode_upload(upload: Any) -> bytes | None:
    """The bytes of the form's photo ({"contents": "data:…;base64,…"}), None without one; PhotoError when unreadable."""
    if not upload:
        return None
    contents = upload.get("contents") if isinstance(upload, dict) else None
    if not isinstance(contents, str) or "," not in contents:
        raise photos.PhotoError("berkas tidak terbaca")
    encoded = contents.split(",", 1)[1]
    if len(encoded) > (photos.MAX_BYTES * 4) // 3 + 8:
        raise photos.PhotoError("paling besar 5 MB", status=413)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise photos.PhotoError("berkas tidak terbaca") from exc


def c1_payload(
    contest: str | None,
    tps: str | None,
    nomors: list[int],
    votes: list[Any],
    sah: Any,
    tidak_sah: Any,
    hadir: Any,
    reason: str | None,
) -> dict[str, Any]:
    """The form as the payload the API takes; a reason makes it a correction."""
    payload: dict[str, Any] = {
        "contest": contest,
        "tps": tps or "",
        "votes": {str(n): v for n, v in zip(nomors, votes, strict=True)},
        "suara_tidak_sah": tidak_sah,
    }
    if sah is not None:
        payload["suara_sah"] = sah
    if hadir is not None:
        payload["pengguna_hak_pilih"] = hadir
    if (reason or "").strip():
        payload["correction"] = True
        payload["reason"] = reason.strip()
    return payload


def save_c1(
    store: Store, data_dir: Path, actor: Actor, payload: dict[str, Any], upload: Any
) -> tuple[html.Div, dict[str, Any] | None, bool]:
    """Check the photo, submit the result, keep the photo with its version.

    Returns what the operator sees, the new version when one was stored, and whether the form is done with.
    """
    if not payload.get("tps"):
        return refusal({"tps": "pilih kecamatan, desa dan TPS dulu"}), None, False
    try:
        data = decode_upload(upload)
        if data is not None:
            photos.clean_image(data)  # refuse a bad photo before anything is stored
    except photos.PhotoError as exc:
        return refusal({"photo": exc.message}), None, False
    outcome = results.submit_result(store, payload, actor, source="input")
    if outcome.status == results.CONFLICT:
        version = (outcome.result or {}).get("version")
        note = f"TPS ini sudah punya hasil (versi {version}) dengan angka berbeda; isi alasan untuk menyimpan koreksi"
        return refusal({"reason": note}), None, False
    if outcome.status in (results.REJECTED, results.FORBIDDEN):
        return refusal(outcome.errors or {"body": outcome.message}), None, False
    result = outcome.result or {}
    note = None
    if data is not None:
        try:
            _info, created = photos.attach_photo(store, data_dir, result["id"], data, actor)
            note = (
                f"Foto C1 {'tersimpan' if created else 'yang sama sudah tersimpan'} bersama versi {result['version']}."
            )
        except photos.PhotoError as exc:
            note = f"Foto C1 tidak tersimpan: {exc.message}"
    return saved_view(result, outcome.status == results.SAME, note), result if outcome.changed else None, True


def confirm_c1(store: Store, actor: Actor, contest: str | None, tps: str | None, reason: str | None) -> tuple[Any, Any]:
    """Confirm the held result of the chosen TPS; returns the view and the new version (or None)."""
    if not tps or not contest:
        return refusal({"tps": "pilih kecamatan, desa dan TPS dulu"}, "Tidak dikonfirmasi:"), None
    outcome = results.confirm_result(store, contest, tps, actor, reason or "")
    if outcome.status == results.CREATED:
        r = outcome.result or {}
        return html.Div(
            f"Dikonfirmasi: TPS {r['tps']} versi {r['version']} — dihitung.", className="notice notice-ok"
        ), r
    if outcome.status == results.SAME:
        return html.Div(f"Tidak diubah: {outcome.message}.", className="notice notice-ok"), None
    return refusal(outcome.errors or {"body": outcome.message}, "Tidak dikonfirmasi:"), None


def current_numbers(store: Store, contest: str | None, tps: str | None, nomors: list[int]) -> list[Any] | None:
    """[votes per paslon, written suara sah (when it differed from the sum), tidak sah, hadir] of the current
    version, or None."""
    versions = results.result_versions(store, contest, tps) if contest and tps else []
    if not versions:
        return None
    v = versions[-1]
    votes = [v["votes"].get(str(n)) for n in nomors]
    written = v["suara_sah"] if v["suara_sah"] != sum(v["votes"].values()) else None  # only when it disagreed
    return [votes, written, v["suara_tidak_sah"], v["pengguna_hak_pilih"]]


def tps_view(store: Store, contest_id: str | None, tps: str | None) -> tuple[list, dict[str, Any], Any]:
    """The chosen TPS's facts, the data of the live checks, and its versions with photos."""
    contest = find_contest(store, contest_id)
    code = normalize_tps_code(tps) if tps else None
    dpt = store.catalog().tps_dpt.get(code) if code else None
    nomors = [p.nomor for p in contest.paslon] if contest else []
    if contest is None or dpt is None:
        meta = tps_meta(None, nomors, [])
        return tps_facts(None, meta), meta, versions_table(None, [])
    versions = results.result_versions(store, contest.id, code)
    meta = tps_meta(dpt, nomors, versions)
    return tps_facts(code, meta), meta, versions_table(contest, versions, photos.tps_photos(store, contest.id, code))


def register(app: Dash) -> None:
    """Register the C1 form's callbacks (server: the operator's own actions; browser: the live checks)."""
    _register_choice(app)
    _register_actions(app)
    app.clientside_callback(
        "function (v, s, t, h, meta, ids) { return window.dash_clientside.c1.check(v, s, t, h, ids, meta); }",
        Output("c1-sum-sah", "children"),
        Output("c1-sum-ballots", "children"),
        Output("c1-sum-turnout", "children"),
        Output("c1-verdict", "children"),
        Output("c1-verdict", "className"),
        Output("c1-checks", "children"),
        Input({"type": "vote", "nomor": ALL}, "value"),
        Input("c1-sah", "value"),
        Input("c1-tidak-sah", "value"),
        Input("c1-hadir", "value"),
        Input("c1-meta", "data"),
        State({"type": "vote", "nomor": ALL}, "id"),
    )
    app.clientside_callback(
        "function (contents, name) { return window.dash_clientside.c1.photo(contents, name); }",
        Output("c1-photo-data", "data"),
        Output("c1-photo-note", "children"),
        Output("c1-photo-note", "className"),
        Input("c1-photo", "contents"),
        State("c1-photo", "filename"),
        prevent_initial_call=True,
    )


def _register_choice(app: Dash) -> None:
    @app.callback(Output("c1-votes", "children"), Input("c1-contest", "value"), prevent_initial_call=True)
    def _fields(contest_id: str | None) -> list:
        if not has_role("admin", "operator"):
            return []
        return vote_fields(find_contest(desk().store, contest_id))

    chains.follow(app, "c1-kecamatan", "c1-desa", desa_options)
    chains.follow(app, "c1-desa", "c1-tps", tps_options)

    @app.callback(
        Output("c1-tps-info", "children"),
        Output("c1-meta", "data"),
        Output("c1-versions", "children"),
        Input("c1-contest", "value"),
        Input("c1-tps", "value"),
        Input("c1-saved", "data"),
    )
    def _chosen(contest_id: str | None, tps: str | None, _saved: int) -> tuple:
        if not has_role("admin", "operator"):
            return [], {}, []
        return tps_view(desk().store, contest_id, tps)


def _register_actions(app: Dash) -> None:
    @app.callback(
        Output("c1-outcome", "children"),
        Output("c1-saved", "data"),
        Output("c1-photo-data", "data", allow_duplicate=True),
        Output("c1-photo-note", "children", allow_duplicate=True),
        Output("c1-reason", "value"),
        Output({"type": "vote", "nomor": ALL}, "value"),
        Output("c1-sah", "value"),
        Output("c1-tidak-sah", "value"),
        Output("c1-hadir", "value"),
        Input("c1-submit", "n_clicks"),
        Input("c1-confirm", "n_clicks"),
        Input("c1-fill", "n_clicks"),
        State("c1-contest", "value"),
        State("c1-tps", "value"),
        State({"type": "vote", "nomor": ALL}, "id"),
        State({"type": "vote", "nomor": ALL}, "value"),
        State("c1-sah", "value"),
        State("c1-tidak-sah", "value"),
        State("c1-hadir", "value"),
        State("c1-reason", "value"),
        State("c1-photo-data", "data"),
        State("c1-saved", "data"),
        prevent_initial_call=True,
    )
    def _act(_s, _c, _f, contest, tps, ids, votes, sah, tidak_sah, hadir, reason, upload, saved):  # noqa: ANN001, ANN202
        keep = [no_update] * 4
        same_fields = [[no_update] * len(ids)] + [no_update] * 3
        if not has_role("admin", "operator"):
            return DENIED, *keep, *same_fields
        d = desk()
        nomors = [int(i["nomor"]) for i in ids]
        if ctx.triggered_id == "c1-fill":
            numbers = current_numbers(d.store, contest, tps, nomors)
            if numbers is None:
                return refusal({"tps": "TPS ini belum punya hasil untuk disalin"}), *keep, *same_fields
            return no_update, *keep, *numbers
        if ctx.triggered_id == "c1-confirm":
            view, confirmed = confirm_c1(d.store, current_user.actor, contest, tps, reason)
            if confirmed is None:
                return view, *keep, *same_fields
            return view, (saved or 0) + 1, no_update, no_update, "", *same_fields
        payload = c1_payload(contest, tps, nomors, votes, sah, tidak_sah, hadir, reason)
        view, _created, done = save_c1(d.store, d.config.data_dir, current_user.actor, payload, upload)
        if not done:
            return view, *keep, *same_fields
        cleared = [[None] * len(ids), None, None, None]
        return view, (saved or 0) + 1, None, "Belum ada foto dipilih.", "", *cleared
