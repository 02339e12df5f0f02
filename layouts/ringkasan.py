"""Ringkasan: the one-screen summary — each contest's progress and leader, open incidents by severity, logistics
readiness, and the time of the last change of each.

The shell applies the pushed texts (ids from `dashboard.live.messages.el`); assets/incidents.js (wired in
callbacks/ringkasan.py) moves the progress bars, keeps the latest incidents list and the logistics counts.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.charts import incident_maps as im
from dashboard.live.messages import el, incident_texts, logistics_texts
from data_sources import incidents, logistics, summary
from data_sources.domain.contest import ContestInfo
from data_sources.domain.fmt import now_utc
from data_sources.domain.vocab import SEVERITIES, SEVERITY_COLORS, item_label
from layouts.common import card, desk, headlines, stat
from layouts.kejadian import compact
from layouts.logistik import item_order, item_rows, line_data, summary_texts

LATEST = 6


def _bar(bar_id: str, fraction: float, class_name: str = "") -> html.Div:
    fill = html.Div(id=bar_id, className="rs-fill", style={"width": f"{fraction * 100:.2f}%"})
    return html.Div(fill, className=f"rs-bar {class_name}".strip())


def contest_card(contest: ContestInfo, head: Any, texts: dict[str, str]) -> html.Section:
    """Progress, leader and review counts of one contest."""
    c = contest.id
    return card(
        contest.name,
        html.Div(
            [
                html.Div(
                    [
                        stat("TPS masuk", texts[el(c, "reported")], el(c, "reported"), big=True),
                        stat("Progres", texts[el(c, "progress")], el(c, "progress"), big=True),
                    ],
                    className="stats rs-head",
                ),
                _bar(f"rs-fill-{c}", head.progress if head is not None else 0.0),
                html.Div(
                    [
                        stat("Unggul sementara", texts[el(c, "leader")], el(c, "leader")),
                        stat("Perlu dicek", texts[el(c, "held")], el(c, "held")),
                        stat("Janggal", texts[el(c, "janggal")], el(c, "janggal")),
                        stat("Data terakhir", texts[el(c, "updated")], el(c, "updated")),
                    ],
                    className="stats",
                ),
                dcc.Link("Rincian rekapitulasi →", href=f"/rekapitulasi?contest={c}", className="rs-more"),
            ]
        ),
        class_name=f"contest-card contest-{c}",
    )


def latest_item(incident: dict[str, Any]) -> html.Li:
    """A line of the latest incidents (assets/incidents.js builds the same: `latestItem`)."""
    sev = incident["severity"]
    return html.Li(
        [
            html.Span(SEVERITIES.get(sev, sev), className=f"rs-sev sev sev-{sev}"),
            html.Span(im.when_text(incident["occurred_at"]), className="rs-when"),
            html.Span(im.place_text(incident), className="rs-place"),
            html.Span(incident["description"], className="rs-desc"),
        ],
        className=f"rs-latest-item kj-{sev}",
    )


def _incident_card(store: Any, latest: list[dict[str, Any]]) -> html.Section:
    inc = incident_texts(incidents.counts(store))
    tiles = [
        html.Div(
            [
                html.Div(label, className="rs-tile-label"),
                html.Div(inc[el("inc", "open", key)], id=el("inc", "open", key), className="rs-tile-value"),
            ],
            className=f"rs-tile rs-tile-{key}",
            style={"borderTopColor": SEVERITY_COLORS[key]},
        )
        for key, label in reversed(SEVERITIES.items())
    ]
    return card(
        "Kejadian",
        html.Div(
            [
                html.Div(
                    [
                        stat("Kejadian terbuka", inc[el("inc", "open", "total")], el("inc", "open", "total"), True),
                        stat("Semua kejadian", inc[el("inc", "total")], el("inc", "total")),
                        stat("Perubahan terakhir", inc[el("inc", "updated")], el("inc", "updated")),
                    ],
                    className="stats",
                ),
                html.Div(tiles, className="rs-tiles", **{"aria-label": "Kejadian terbuka menurut tingkat"}),
                html.H3("Kejadian terbaru", className="rs-sub"),
                html.Ul([latest_item(i) for i in latest], id="rs-latest", className="rs-latest"),
                html.P("Belum ada kejadian.", id="rs-latest-empty", className="muted hidden" if latest else "muted"),
                dcc.Link("Peta dan daftar kejadian →", href="/kejadian", className="rs-more"),
            ]
        ),
        "rs-incidents",
    )


def _logistics_card(
    rows: list[logistics.LogisticsRow], items: list[str], labels: dict[str, str], now: Any, cutoff: Any
) -> html.Section:
    log = logistics_texts(rows)
    counts = summary_texts(rows, now, cutoff)
    return card(
        "Logistik",
        html.Div(
            [
                html.Div(
                    [
                        stat("Kesiapan logistik", log[el("log", "readiness")], el("log", "readiness"), True),
                        stat("Baris lengkap", counts["lg-done"], "rs-log-done", True),
                    ],
                    className="stats rs-head",
                ),
                _bar("rs-log-fill", logistics.readiness(rows), "rs-bar-log"),
                html.Div(
                    [
                        stat("Terlambat", counts["lg-late"], "rs-log-late"),
                        stat("Kurang / rusak", counts["lg-short"], "rs-log-short"),
                        stat("Menunggu", counts["lg-waiting"], "rs-log-waiting"),
                        stat("Pembaruan terakhir", log[el("log", "updated")], el("log", "updated")),
                    ],
                    className="stats",
                ),
                html.H3("Per barang", className="rs-sub"),
                html.Div(item_rows(rows, items, labels), id="rs-log-items", className="lg-items rs-items"),
                dcc.Link("Papan logistik →", href="/logistik", className="rs-more"),
            ]
        ),
        "rs-logistics",
    )


def layout(**_params: str) -> html.Div:
    """The summary page."""
    d = desk()
    store = d.store
    rows = logistics.board(store)
    now = im.reference_now(d)
    cutoff = logistics.late_cutoff(store)
    heads = headlines()
    items = item_order(rows, [c.id for c, _h, _t in heads])
    ballots = summary.ballot_names(store)
    labels = {i: item_label(i, ballots) for i in items}
    latest = incidents.list_incidents(store, limit=LATEST)
    view = {
        "rendered_at": now_utc().isoformat(),
        "clock": im.clock_view(d),
        "cutoff": cutoff.isoformat() if cutoff else None,
        "lines": [line_data(r) for r in rows],
        "items": items,
        "item_labels": labels,
        "latest": LATEST,
        "latest_items": [compact(i) for i in latest],
        "labels": im.labels(),
        "contests": [c.id for c, _h, _t in heads],
    }
    return html.Div(
        [
            html.H1("Ringkasan"),
            html.Div([contest_card(contest, head, texts) for contest, head, texts in heads], className="grid-2"),
            html.Div(
                [_incident_card(store, latest), _logistics_card(rows, items, labels, now, cutoff)],
                className="grid-2",
            ),
            dcc.Store(id="rs-view", data=view),
            dcc.Store(id="rs-inc-msg"),
            dcc.Store(id="rs-log-msg"),
        ],
        id="page-ringkasan",
        className="rs-page",
    )
