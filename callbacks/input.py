"""Input: the operator's own writes — a C1 result (callbacks/c1_form.py), a new incident, an incident's status
change, a logistics line.

Each goes through the same domain function as the API; once committed, the change feed carries it to every open
screen. These are server callbacks for the operator's own action only; nothing here runs
per viewer per event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from flask_login import current_user

from callbacks import c1_form, chains
from data_sources import geo, incidents, logistics, summary
from data_sources.domain.fmt import WIB, fmt_int
from data_sources.domain.vocab import INCIDENT_STATUSES, LOGISTICS_STATUSES, item_label
from layouts.c1_form import desa_options
from layouts.common import desk, has_role
from layouts.input import (
    incident_choices,
    incident_summary,
    item_options,
    line_summary,
    status_options,
)

FIELD_LABELS = {
    "kecamatan": "Kecamatan",
    "desa": "Desa",
    "tps": "TPS",
    "latitude": "Lintang",
    "longitude": "Bujur",
    "stage": "Tahapan",
    "category": "Kategori",
    "severity": "Tingkat",
    "status": "Status",
    "description": "Uraian",
    "occurred_at": "Waktu kejadian",
    "note": "Catatan",
    "item": "Barang",
    "received": "Jumlah diterima",
    "id": "Kejadian",
}
DENIED = "Hanya operator atau admin yang boleh menyimpan."


def register(app: Dash) -> None:
    """Register the Input page's callbacks: C1, new incident, status change, logistics."""
    c1_form.register(app)
    _register_incident(app)
    _register_status(app)
    _register_logistics(app)


# ---------------------------------------------------------------- incidents and logistics


def errors_view(errors: dict[str, str], title: str = "Tidak disimpan:") -> html.Div:
    """A refusal, one line per field (text from the domain, shown as text)."""
    problems = [html.Li(f"{FIELD_LABELS.get(field, field)}: {msg}") for field, msg in errors.items()]
    return html.Div([html.P(title), html.Ul(problems)], className="notice notice-error")


def _denied() -> html.Div:
    return html.Div(DENIED, className="notice notice-error")


def wib_moment(value: str | None) -> str | None:
    """A `datetime-local` value read as WIB, as ISO text with its zone; other text is passed on to be refused."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (moment if moment.tzinfo else moment.replace(tzinfo=WIB)).isoformat()


def incident_payload(
    kecamatan: str | None,
    desa: str | None,
    tps: str | None,
    stage: str | None,
    category: str | None,
    severity: str | None,
    occurred: str | None,
    lat: float | None,
    lon: float | None,
    description: str | None,
) -> dict[str, Any]:
    """The new-incident form as the payload the API takes."""
    return {
        "kecamatan": kecamatan,
        "desa": desa or None,
        "tps": (tps or "").strip() or None,
        "stage": stage,
        "category": category,
        "severity": severity,
        "occurred_at": wib_moment(occurred),
        "latitude": lat,
        "longitude": lon,
        "description": description or "",
    }


def create_from_form(payload: dict[str, Any]) -> dict[str, Any]:
    """Store a new incident as the API does (same validation and area)."""
    d = desk()
    area = incidents.regency_area(d.store, geo.load_boundaries(d.config.boundaries))
    data = incidents.create_incident(d.store, payload, current_user.actor, area)
    return data


def change_from_form(incident_id: int, status: str | None, note: str | None) -> dict[str, Any]:
    """Change an incident's status as the API does."""
    data = incidents.change_status(desk().store, incident_id, status, current_user.actor, note)
    return data


def update_from_form(kecamatan: str | None, item: str | None, received: Any, status: str | None) -> Any:
    """Record a logistics line as the API does."""
    row = logistics.update(desk().store, kecamatan, item, received, status, current_user.actor.name)
    return row


def _register_incident(app: Dash) -> None:
    """The new-incident form: desa of the chosen kecamatan, and the submission."""

    chains.follow(app, "kj-new-kecamatan", "kj-new-desa", desa_options)

    @app.callback(
        Output("kj-new-outcome", "children"),
        Output("kj-new-description", "value"),
        Output("kj-st-incident", "options", allow_duplicate=True),
        Input("kj-new-submit", "n_clicks"),
        State("kj-new-kecamatan", "value"),
        State("kj-new-desa", "value"),
        State("kj-new-tps", "value"),
        State("kj-new-stage", "value"),
        State("kj-new-category", "value"),
        State("kj-new-severity", "value"),
        State("kj-new-occurred", "value"),
        State("kj-new-lat", "value"),
        State("kj-new-lon", "value"),
        State("kj-new-description", "value"),
        prevent_initial_call=True,
    )
    def _create(n_clicks, kecamatan, desa, tps, stage, category, severity, occurred, lat, lon, description):  # noqa: ANN001, ANN202
        if not n_clicks:
            return no_update, no_update, no_update
        if not has_role("admin", "operator"):
            return _denied(), no_update, no_update
        payload = incident_payload(kecamatan, desa, tps, stage, category, severity, occurred, lat, lon, description)
        try:
            data = create_from_form(payload)
        except incidents.IncidentError as exc:
            return errors_view(exc.errors), no_update, no_update
        done = html.Div(
            [
                f"Tersimpan sebagai kejadian #{data['id']} (status Baru). ",
                dcc.Link("Lihat di halaman Kejadian", href="/kejadian"),
            ],
            className="notice notice-ok",
        )
        return done, "", incident_choices(desk().store)


def _register_status(app: Dash) -> None:
    """The status form: the chosen incident's history and allowed statuses, and the change."""

    @app.callback(
        Output("kj-st-current", "children"),
        Output("kj-st-status", "options"),
        Output("kj-st-status", "value"),
        Input("kj-st-incident", "value"),
        prevent_initial_call=True,
    )
    def _chosen(incident_id: int | None) -> tuple[Any, list, None]:
        if not has_role("admin", "operator") or incident_id is None:
            return incident_summary(None), [], None
        current = incidents.get_incident(desk().store, int(incident_id))
        return incident_summary(current), status_options(current["status"] if current else None), None

    @app.callback(
        Output("kj-st-outcome", "children"),
        Output("kj-st-current", "children", allow_duplicate=True),
        Output("kj-st-status", "options", allow_duplicate=True),
        Output("kj-st-incident", "options", allow_duplicate=True),
        Output("kj-st-note", "value"),
        Input("kj-st-submit", "n_clicks"),
        State("kj-st-incident", "value"),
        State("kj-st-status", "value"),
        State("kj-st-note", "value"),
        prevent_initial_call=True,
    )
    def _change(n_clicks, incident_id, status, note):  # noqa: ANN001, ANN202
        if not n_clicks:
            return (no_update,) * 5
        if not has_role("admin", "operator"):
            return _denied(), no_update, no_update, no_update, no_update
        if incident_id is None:
            return errors_view({"id": "pilih kejadiannya dulu"}), no_update, no_update, no_update, no_update
        if not status:
            return errors_view({"status": "pilih status baru"}), no_update, no_update, no_update, no_update
        try:
            data = change_from_form(int(incident_id), status, note)
        except incidents.IncidentError as exc:
            return errors_view(exc.errors, "Status tidak diubah:"), no_update, no_update, no_update, no_update
        done = html.Div(
            f"Kejadian #{data['id']} sekarang {INCIDENT_STATUSES.get(data['status'], data['status'])}.",
            className="notice notice-ok",
        )
        store = desk().store
        return done, incident_summary(data), status_options(data["status"]), incident_choices(store, data["id"]), ""


def _register_logistics(app: Dash) -> None:
    """The logistics form: items of the chosen kecamatan, the line as it stands, and the update."""

    chains.follow(app, "lg-in-kecamatan", "lg-in-item", item_options)

    @app.callback(
        Output("lg-in-current", "children"),
        Output("lg-in-received", "value"),
        Output("lg-in-status", "value"),
        Input("lg-in-item", "value"),
        State("lg-in-kecamatan", "value"),
        prevent_initial_call=True,
    )
    def _line(item: str | None, kecamatan: str | None) -> tuple[str, Any, Any]:
        if not has_role("admin", "operator") or not item or not kecamatan:
            return line_summary(None), None, None
        rows = logistics.board(desk().store, kecamatan=[kecamatan], item=[item])
        row = rows[0] if rows else None
        ballots = summary.ballot_names(desk().store)
        return line_summary(row, ballots), row.received if row else None, row.status if row else None

    @app.callback(
        Output("lg-in-outcome", "children"),
        Output("lg-in-current", "children", allow_duplicate=True),
        Input("lg-in-submit", "n_clicks"),
        State("lg-in-kecamatan", "value"),
        State("lg-in-item", "value"),
        State("lg-in-received", "value"),
        State("lg-in-status", "value"),
        prevent_initial_call=True,
    )
    def _update(n_clicks, kecamatan, item, received, status):  # noqa: ANN001, ANN202
        if not n_clicks:
            return no_update, no_update
        if not has_role("admin", "operator"):
            return _denied(), no_update
        if not kecamatan or not item:
            missing = {"kecamatan": "pilih kecamatan"} if not kecamatan else {"item": "pilih barang"}
            return errors_view(missing), no_update
        if isinstance(received, float) and received.is_integer():
            received = int(received)
        try:
            row = update_from_form(kecamatan, item, received, status)
        except logistics.LogisticsError as exc:
            return errors_view(exc.errors), no_update
        ballots = summary.ballot_names(desk().store)
        done = html.Div(
            f"Tersimpan: {row.kecamatan} · {item_label(row.item, ballots)} — {fmt_int(row.received)} dari "
            f"{fmt_int(row.needed)}, {LOGISTICS_STATUSES.get(row.status, row.status)}.",
            className="notice notice-ok",
        )
        return done, line_summary(row, ballots)
