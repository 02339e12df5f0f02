"""Kejadian: incidents reported in the field on an offline map, per hour by category, and as a list with history.

URL: `/kejadian?category=…&severity=…&status=…&stage=…&kecamatan=…&hours=1|6|24` (comma lists; `status=terbuka`
means every open status). The page is rendered once with the incidents matching the filters; pushed `incident`
messages then add and change points, bars and rows in the browser (assets/incidents.js, wired in
callbacks/kejadian.py), keeping to the same filters. Changing a filter changes the address, which renders the page
again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.charts import incident_maps as im
from dashboard.charts.figures import CHART_CONFIG, MAP_CONFIG, shown_regions
from dashboard.live.messages import el, incident_texts
from data_sources import geo, incidents
from data_sources.domain.fmt import fmt_int, fmt_wib, now_utc
from data_sources.domain.vocab import CATEGORIES, INCIDENT_STATUSES, OPEN_STATUSES, SEVERITIES, SEVERITY_COLORS, STAGES
from layouts.common import card, desk, download_link, export_href, has_role, stat

PATH = "/kejadian"
HOURS = ("1", "6", "24")
STATE_LIMIT = 2000  # incidents the page keeps (map, timeline); the list shows the newest LIST_LIMIT
LIST_LIMIT = 300
FILTER_KEYS = ("category", "severity", "status", "stage", "kecamatan")
HEADERS = ["No. / waktu", "Tempat", "Kategori", "Tingkat", "Status", "Tahapan", "Uraian dan riwayat"]


def page_href(**params: Any) -> str:
    """The page's address for some filters (lists become comma lists; empty ones are left out)."""
    query = {}
    for key, value in params.items():
        text = ",".join(value) if isinstance(value, list | tuple) else str(value or "")
        if text:
            query[key] = text
    return f"{PATH}?{urlencode(query)}" if query else PATH


def incident_row(incident: dict[str, Any], can_edit: bool = False) -> html.Tr:
    """One incident in the list: number and time, place, category, severity, status, stage, text and history.

    assets/incidents.js builds the same row (`kejadianRow`) for pushed incidents.
    """
    sev, status = incident["severity"], incident["status"]
    history = [html.Li(im.history_line(h)) for h in incident.get("history", [])]
    last: list[Any] = [html.Div(incident["description"], className="desc"), html.Ul(history, className="history")]
    if can_edit and status in OPEN_STATUSES:
        last.append(dcc.Link("Ubah status", href=f"/input?incident={incident['id']}", className="kj-edit"))
    return html.Tr(
        [
            html.Td(
                [
                    html.Div(f"#{incident['id']}", className="kj-id"),
                    html.Div(im.when_text(incident["occurred_at"]), className="kj-when"),
                ]
            ),
            html.Td(im.place_text(incident)),
            html.Td(CATEGORIES.get(incident["category"], incident["category"])),
            html.Td(html.Span(SEVERITIES.get(sev, sev), className=f"sev sev-{sev}")),
            html.Td(html.Span(INCIDENT_STATUSES.get(status, status), className=f"kj-status kj-status-{status}")),
            html.Td(STAGES.get(incident["stage"], incident["stage"])),
            html.Td(last),
        ],
        id=f"kj-row-{incident['id']}",
        className=f"kj-row kj-{sev}" + ("" if im.is_open(incident) else " kj-closed"),
    )


def compact(incident: dict[str, Any]) -> dict[str, Any]:
    """What the browser keeps of an incident for the map and the timeline."""
    keys = ("id", "occurred_at", "created_at", "kecamatan", "kecamatan_name", "tps", "latitude", "longitude")
    return {k: incident[k] for k in (*keys, "stage", "category", "severity", "status", "description")}


def _dropdown(key: str, label: str, options: dict[str, str], value: list[str] | None) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=f"kj-f-{key}"),
            dcc.Dropdown(
                id=f"kj-f-{key}",
                options=[{"label": text, "value": code} for code, text in options.items()],
                value=value or [],
                multi=True,
                placeholder="Semua",
            ),
        ],
        className="kj-filter",
    )


def _status_value(filters: dict[str, Any]) -> list[str]:
    chosen = list(filters.get("status") or [])
    if set(OPEN_STATUSES) <= set(chosen):
        chosen = [incidents.OPEN_ALIAS, *[s for s in chosen if s not in OPEN_STATUSES]]
    return chosen


def export_params(filters: dict[str, Any], hours: str) -> dict[str, Any]:
    """The export's query for the page's filters (the same names; `hours` counted back from the download)."""
    return {**{k: list(filters.get(k) or []) for k in FILTER_KEYS}, "hours": hours}


def _filters(filters: dict[str, Any], names: dict[str, str], hours: str) -> html.Div:
    statuses = {incidents.OPEN_ALIAS: "Terbuka (baru, diverifikasi, ditangani)", **INCIDENT_STATUSES}
    return html.Div(
        [
            _dropdown("category", "Kategori", CATEGORIES, filters.get("category")),
            _dropdown("severity", "Tingkat", SEVERITIES, filters.get("severity")),
            _dropdown("status", "Status", statuses, _status_value(filters)),
            _dropdown("stage", "Tahapan", STAGES, filters.get("stage")),
            _dropdown("kecamatan", "Kecamatan", names, filters.get("kecamatan")),
            html.Div(
                [
                    html.Label("Waktu kejadian", htmlFor="kj-f-hours"),
                    dcc.RadioItems(
                        id="kj-f-hours",
                        options=[{"label": "Semua", "value": ""}]
                        + [{"label": f"{h} jam terakhir", "value": h} for h in HOURS],
                        value=hours,
                        inline=True,
                        className="kj-hours",
                        inputClassName="kj-hours-input",
                    ),
                ],
                className="kj-filter kj-filter-hours",
            ),
            dcc.Link("Hapus filter", href=PATH, className="kj-clear", id="kj-clear"),
            download_link(
                "Unduh CSV",
                export_href("incidents", **export_params(filters, hours)),
                "kj-download",
                "Kejadian yang cocok dengan filter ini, dengan riwayat statusnya (format impor incidents)",
            ),
        ],
        className="kj-filters",
    )


def _legend() -> html.Div:
    items = [
        html.Span([html.Span(className="kj-dot", style={"background": SEVERITY_COLORS[k]}), label])
        for k, label in SEVERITIES.items()
    ]
    items.append(html.Span([html.Span(className="kj-dot kj-dot-open"), "Selesai / ditolak (titik kosong)"]))
    return html.Div(items, className="kj-legend")


def _view(
    filters: dict[str, Any],
    hours: str,
    names: dict[str, str],
    centres: dict[str, tuple[float, float]],
    regions: list[str],
    polygons: bool,
    rows: list[dict[str, Any]],
    can_edit: bool,
) -> dict[str, Any]:
    since = filters.get("since")
    return {
        "rendered_at": now_utc().isoformat(),
        "filters": {
            **{k: list(filters.get(k) or []) for k in FILTER_KEYS},
            "since": since.isoformat() if since else None,
            "hours": hours,
        },
        "open_statuses": list(OPEN_STATUSES),
        "labels": im.labels(),
        "severity_colors": SEVERITY_COLORS,
        "names": names,
        "centres": {code: list(c) for code, c in centres.items()},
        "regions": regions,
        "polygons": polygons,
        "jitter": im.JITTER_DEGREES,
        "list_limit": LIST_LIMIT,
        "state_limit": STATE_LIMIT,
        "can_edit": can_edit,
        "incidents": [compact(r) for r in rows],
        "listed": rows[:LIST_LIMIT],
    }


def layout(**params: str) -> html.Div:
    """The incident map, timeline and list, filtered by the address's query parameters."""
    d = desk()
    store = d.store
    names = incidents.kecamatan_codes(store)
    filters, bad = incidents.parse_filters(params, im.reference_now(d), names)
    query = {k: v for k, v in filters.items() if k in (*FILTER_KEYS, "since", "updated_since")}
    rows = incidents.list_incidents(store, limit=STATE_LIMIT, **query)
    texts = incident_texts(incidents.counts(store))
    boundaries = geo.load_boundaries(d.config.boundaries)
    centres = geo.region_centres(names, geo.kecamatan_centroids(), boundaries)
    regions, polygons = shown_regions(list(names), boundaries, centres)
    can_edit = has_role("admin", "operator")
    hours = params.get("hours", "") if params.get("hours", "") in HOURS else ""
    notice = (
        html.Div(
            ["Filter diabaikan: ", "; ".join(f"{k}: {v}" for k, v in bad.items())],
            className="notice notice-error",
            role="alert",
        )
        if bad
        else None
    )
    shown = rows[:LIST_LIMIT]
    more = f" (daftar memuat {fmt_int(LIST_LIMIT)} terbaru)" if len(rows) > LIST_LIMIT else ""
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in HEADERS])),
            html.Tbody([incident_row(r, can_edit) for r in shown], id="kj-rows"),
            html.Tbody(id="kj-live-rows"),  # the browser draws the rows here once the page is open
        ],
        className="table incident-table kj-table",
    )
    since = filters.get("since")
    window = f"sejak {fmt_wib(since, with_date=True)}" if since else "semua waktu"
    return html.Div(
        [
            html.H1("Kejadian"),
            html.Div(
                [
                    stat("Kejadian terbuka", texts[el("inc", "open", "total")], el("inc", "open", "total"), True),
                    stat("Semua kejadian", texts[el("inc", "total")], el("inc", "total")),
                    *[
                        stat(f"Terbuka · {lbl}", texts[el("inc", "open", k)], el("inc", "open", k))
                        for k, lbl in SEVERITIES.items()
                    ],
                    stat("Perubahan terakhir", texts[el("inc", "updated")], el("inc", "updated")),
                ],
                className="stats",
            ),
            html.Section(_filters(filters, names, hours), className="card kj-filter-card", **{"aria-label": "Filter"}),
            notice,
            html.Div(
                [
                    card(
                        "Peta kejadian",
                        html.Div(
                            [
                                dcc.Graph(
                                    id="kj-map",
                                    figure=im.incident_map(rows, names, boundaries, centres),
                                    config=MAP_CONFIG,
                                    className="kj-graph kj-map",
                                ),
                                _legend(),
                                html.P(
                                    "Warna wilayah: jumlah kejadian terbuka yang cocok dengan filter. "
                                    "Klik wilayah untuk menyaring kecamatannya, klik titik untuk melihat kejadiannya.",
                                    className="muted kj-hint",
                                ),
                            ]
                        ),
                        "kj-map-card",
                    ),
                    card(
                        "Kejadian per jam menurut kategori (WIB)",
                        dcc.Graph(
                            id="kj-timeline",
                            figure=im.incident_timeline(rows),
                            config=CHART_CONFIG,
                            className="kj-graph kj-timeline",
                        ),
                        "kj-timeline-card",
                    ),
                ],
                className="grid-2 kj-grid",
            ),
            card(
                "Daftar kejadian",
                html.Div(
                    [
                        html.P(
                            [
                                html.Span(fmt_int(len(rows)), id="kj-shown", className="kj-shown"),
                                f" kejadian cocok dengan filter, {window}{more}. Kejadian baru muncul sendiri.",
                            ],
                            className="muted",
                        ),
                        table,
                        html.P(
                            "Belum ada kejadian yang cocok dengan filter.",
                            id="kj-empty",
                            className="muted" if not rows else "muted hidden",
                        ),
                    ]
                ),
                "kj-list-card",
            ),
            dcc.Store(
                id="kj-view",
                data=_view(filters, hours, names, centres, regions, polygons, rows, can_edit),
            ),
            dcc.Store(id="kj-msg"),
            dcc.Location(id="kj-nav", refresh="callback-nav"),
        ],
        id="page-kejadian",
        className="kj-page",
    )
