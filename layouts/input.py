"""Input: what operators key in — a C1 result for one TPS, a new incident, an incident's status change, and a
logistics delivery.

Each form is its own section (function) with its own ids: `c1-…` (C1), `kj-new-…` (new incident), `kj-st-…`
(status change; `/input?incident=<id>` preselects one), `lg-in-…` (logistics). Forms are hidden from anyone but
operators and admins, and their callbacks (callbacks/input.py) refuse them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from dashboard.charts import incident_maps as im
from data_sources import incidents, logistics, summary
from data_sources.domain.fmt import fmt_int, fmt_wib
from data_sources.domain.vocab import (
    CATEGORIES,
    INCIDENT_STATUSES,
    LOGISTICS_STATUSES,
    OPEN_STATUSES,
    SEVERITIES,
    STAGES,
    item_label,
)
from layouts.c1_form import c1_card
from layouts.common import card, denied, desk, has_role
from layouts.forms import choice, field, number, options, row

DEFAULT_STAGE = "pemungutan-suara"
STATUS_CHOICES = 300  # open incidents offered in the status form

# ---------------------------------------------------------------- new incident


def incident_form(kecamatan: dict[str, str], allowed: bool) -> html.Div:
    """The form of a new incident report (status baru)."""
    place = row(
        choice("kj-new-kecamatan", "Kecamatan", options(kecamatan), "Pilih kecamatan"),
        choice("kj-new-desa", "Desa/kelurahan (boleh kosong)", [], "Pilih kecamatan dulu"),
        field(
            "Kode TPS (boleh kosong)",
            dcc.Input(id="kj-new-tps", type="text", placeholder="16.07.10.2001.003"),
            "kj-new-tps",
        ),
    )
    kind = row(
        choice("kj-new-stage", "Tahapan", options(STAGES), "Pilih tahapan", value=DEFAULT_STAGE, clearable=False),
        choice("kj-new-category", "Kategori", options(CATEGORIES), "Pilih kategori"),
        choice("kj-new-severity", "Tingkat", options(SEVERITIES), "Pilih tingkat"),
    )
    when_where = row(
        field(
            "Waktu kejadian (WIB)",
            dcc.Input(id="kj-new-occurred", type="datetime-local"),
            "kj-new-occurred",
            "Kosong: sekarang.",
        ),
        field(
            "Lintang (latitude, boleh kosong)",
            dcc.Input(id="kj-new-lat", type="number", step="any", placeholder="-2,90"),
            "kj-new-lat",
        ),
        field(
            "Bujur (longitude, boleh kosong)",
            dcc.Input(id="kj-new-lon", type="number", step="any", placeholder="104,65"),
            "kj-new-lon",
        ),
    )
    description = field(
        "Uraian",
        dcc.Textarea(id="kj-new-description", maxLength=incidents.MAX_DESCRIPTION, className="kj-textarea"),
        "kj-new-description",
        f"Wajib, paling banyak {fmt_int(incidents.MAX_DESCRIPTION)} karakter.",
    )
    return html.Div(
        [
            place,
            kind,
            when_where,
            description,
            html.Button("Simpan kejadian", id="kj-new-submit", n_clicks=0, className="button"),
            html.Div(id="kj-new-outcome", className="outcome", role="status"),
        ],
        className="form kj-form",
        style=None if allowed else {"display": "none"},
    )


# ---------------------------------------------------------------- status change


def incident_choice_label(i: dict[str, Any]) -> str:
    """An incident in the status form's list: number, time, place, category, severity, status, start of the text."""
    return (
        f"#{i['id']} · {im.when_text(i['occurred_at'])} · {im.place_text(i)} · "
        f"{CATEGORIES.get(i['category'], i['category'])} · {SEVERITIES.get(i['severity'], i['severity'])} · "
        f"{INCIDENT_STATUSES.get(i['status'], i['status'])} — {im.shorten(i['description'], 60)}"
    )


def incident_choices(store: Any, keep: int | None = None) -> list[dict[str, Any]]:
    """Open incidents (newest first) as dropdown options, plus the one `keep` when it is closed."""
    rows = incidents.list_incidents(store, limit=STATUS_CHOICES, status=list(OPEN_STATUSES))
    if keep is not None and all(r["id"] != keep for r in rows):
        extra = incidents.get_incident(store, keep)
        if extra is not None:
            rows.insert(0, extra)
    return [{"label": incident_choice_label(r), "value": r["id"]} for r in rows]


def status_options(current: str | None) -> list[dict[str, str]]:
    """The statuses an incident in `current` may move to."""
    return [{"label": INCIDENT_STATUSES[s], "value": s} for s in incidents.next_statuses(current or "")]


def incident_summary(incident: dict[str, Any] | None) -> html.Div:
    """The chosen incident: its text and history, as text."""
    if incident is None:
        return html.Div("Pilih kejadian untuk melihat status dan riwayatnya.", className="muted")
    status = incident["status"]
    nexts = incidents.next_statuses(status)
    return html.Div(
        [
            html.P(
                [
                    html.Strong(f"#{incident['id']} · {im.place_text(incident)} · "),
                    html.Span(
                        SEVERITIES.get(incident["severity"], incident["severity"]),
                        className=f"sev sev-{incident['severity']}",
                    ),
                    f" · status sekarang: {INCIDENT_STATUSES.get(status, status)}",
                ]
            ),
            html.Div(incident["description"], className="desc"),
            html.Ul([html.Li(im.history_line(h)) for h in incident.get("history", [])], className="history"),
            html.P(
                "Status akhir: tidak dapat diubah lagi."
                if not nexts
                else "Boleh diubah ke: " + ", ".join(INCIDENT_STATUSES[s] for s in nexts),
                className="muted",
            ),
        ],
        className="kj-current",
    )


def status_form(store: Any, allowed: bool, chosen: int | None) -> html.Div:
    """The form that moves an incident along its workflow, with a note."""
    current = incidents.get_incident(store, chosen) if allowed and chosen is not None else None
    return html.Div(
        [
            field(
                "Kejadian",
                dcc.Dropdown(
                    id="kj-st-incident",
                    options=incident_choices(store, chosen) if allowed else [],
                    value=current["id"] if current else None,
                    placeholder="Pilih kejadian yang masih terbuka",
                    optionHeight=50,
                ),
                "kj-st-incident",
            ),
            html.Div(incident_summary(current), id="kj-st-current"),
            row(
                choice(
                    "kj-st-status", "Status baru", status_options(current["status"]) if current else [], "Pilih status"
                ),
                field(
                    "Catatan",
                    dcc.Input(id="kj-st-note", type="text", maxLength=incidents.MAX_NOTE),
                    "kj-st-note",
                    "Wajib bila ditolak.",
                ),
            ),
            html.Button("Ubah status", id="kj-st-submit", n_clicks=0, className="button"),
            html.Div(id="kj-st-outcome", className="outcome", role="status"),
        ],
        className="form kj-form",
        style=None if allowed else {"display": "none"},
    )


# ---------------------------------------------------------------- logistics


def item_options(store: Any, kecamatan: str | None) -> list[dict[str, str]]:
    """The items of a kecamatan's board as dropdown options."""
    if not kecamatan:
        return []
    ballots = summary.ballot_names(store)
    return [
        {"label": item_label(r.item, ballots), "value": r.item} for r in logistics.board(store, kecamatan=[kecamatan])
    ]


def line_summary(row: logistics.LogisticsRow | None, ballots: Mapping[str, str] | None = None) -> str:
    """The chosen line as it stands."""
    if row is None:
        return "Pilih kecamatan dan barang."
    return (
        f"{row.kecamatan} · {item_label(row.item, ballots)}: kebutuhan {fmt_int(row.needed)}, "
        f"diterima {fmt_int(row.received)}, "
        f"status {LOGISTICS_STATUSES.get(row.status, row.status)} (pembaruan {fmt_wib(row.updated_at, with_date=True)} "
        f"oleh {row.updated_by})."
    )


def logistics_form(kecamatan: dict[str, str], allowed: bool) -> html.Div:
    """The form that records what a kecamatan received of an item."""
    return html.Div(
        [
            row(
                choice("lg-in-kecamatan", "Kecamatan", options(kecamatan), "Pilih kecamatan"),
                choice("lg-in-item", "Barang", [], "Pilih kecamatan dulu"),
            ),
            html.P(line_summary(None), id="lg-in-current", className="muted"),
            row(
                number("lg-in-received", "Jumlah diterima"),
                choice("lg-in-status", "Status", options(LOGISTICS_STATUSES), "Pilih"),
            ),
            html.Button("Simpan logistik", id="lg-in-submit", n_clicks=0, className="button"),
            html.Div(id="lg-in-outcome", className="outcome", role="status"),
        ],
        className="form lg-form",
        style=None if allowed else {"display": "none"},
    )


# ---------------------------------------------------------------- the page


def _chosen(raw: str | None) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def layout(incident: str | None = None, tps: str | None = None, **_params: str) -> html.Div:
    """The entry forms (operators and admins only): C1 (`?tps=` preselects a TPS), new incident, status change,
    logistics."""
    allowed = has_role("admin", "operator")
    store = desk().store
    contests = summary.contests(store) if allowed else []
    kecamatan = incidents.kecamatan_codes(store) if allowed else {}
    chosen = _chosen(incident)
    return html.Div(
        [
            html.H1("Input"),
            None if allowed else denied(),
            c1_card(store, contests, allowed, tps),
            html.Div(
                [
                    card("Laporan kejadian baru", incident_form(kecamatan, allowed), "kj-new-card"),
                    card("Ubah status kejadian", status_form(store, allowed, chosen), "kj-st-card"),
                ],
                className="grid-2",
            ),
            card("Penerimaan logistik", logistics_form(kecamatan, allowed), "lg-in-card"),
        ],
        id="page-input",
    )
