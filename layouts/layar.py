"""Layar: the command-center screen — a playlist of big views (Ringkasan, each contest's recap, incident map,
logistics), read across a room and after the screen is shared into a call at 1280×720.

URL: `/layar?interval=30` (seconds per view), `&follow=1` (mirror the presenter), `?snapshot=<id>` (a frozen
snapshot: the numbers as of its moment, from the stored result versions; no live update touches them).
The page is rendered once; assets/layar.js rotates the views, keeps the WIB clock and applies pushed texts to the
elements marked `data-k` (live only), all in the browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from dashboard.charts import incident_maps as im
from dashboard.charts.figures import MAP_CONFIG
from dashboard.live.messages import el, incident_texts, logistics_texts, recap_texts
from dashboard.recap.engine import RegionTotals
from data_sources import geo, incidents, logistics, results, snapshots, summary
from data_sources.domain.contest import ContestInfo
from data_sources.domain.fmt import fmt_int, fmt_pct, fmt_wib
from data_sources.domain.vocab import SEVERITIES, item_label
from layouts.common import desk
from layouts.logistik import item_order

DEFAULT_INTERVAL = 20
MIN_INTERVAL, MAX_INTERVAL = 5, 600


def interval_of(raw: Any) -> int:
    """Seconds per view from the address (`interval`), within 5–600; the default when absent or not a number."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return DEFAULT_INTERVAL
    return max(MIN_INTERVAL, min(MAX_INTERVAL, value))


def _t(text: str, key: str | None, class_name: str, live: bool, with_id: bool = False) -> html.Span:
    """A text that pushed messages replace (by `data-k`) when the screen is live; `with_id` also gives it the
    shell's element id (once per page: the Ringkasan view), which the shell's push handler updates too."""
    attrs: dict[str, str] = {"data-k": key} if live and key else {}
    if live and key and with_id:
        attrs["id"] = key
    return html.Span(text, className=class_name, **attrs)


def _updated(texts: Mapping[str, str], key: str, live: bool) -> html.Div:
    return html.Div(["Diperbarui ", _t(texts[key], key, "ly-upd-time", live)], className="ly-updated")


def _figure(label: str, text: str, key: str | None, live: bool, with_id: bool = False) -> html.Div:
    return html.Div(
        [html.Div(label, className="ly-label"), _t(text, key, "ly-value", live, with_id)],
        className="ly-figure",
    )


def _badge(nomor: int, color: str) -> html.Span:
    """The paslon's number on its colour: the number carries the meaning, the colour only helps."""
    return html.Span(str(nomor), className="ly-no", style={"background": color})


def _summary_panel(contest: ContestInfo, head: RegionTotals, texts: dict[str, str], live: bool) -> html.Section:
    c = contest.id
    lead = html.Div(_t(texts[el(c, "leader")], el(c, "leader"), "ly-name", live), className="ly-lead")
    return html.Section(
        [
            html.H2(contest.name, className="ly-panel-title"),
            html.Div(
                [
                    _figure("TPS masuk", texts[el(c, "reported")], el(c, "reported"), live, True),
                    _figure("Progres", texts[el(c, "progress")], el(c, "progress"), live, True),
                ],
                className="ly-figures",
            ),
            html.Div("Unggul sementara", className="ly-label"),
            lead,
            _updated(texts, el(c, "updated"), live),
        ],
        className="ly-panel",
    )


def _incident_panel(store: Any) -> html.Section:
    inc = incident_texts(incidents.counts(store))
    tiles = [
        html.Div(
            [
                html.Div(label, className="ly-label"),
                _t(inc[el("inc", "open", key)], el("inc", "open", key), "ly-value", True),
            ],
            className=f"ly-sev ly-sev-{key}",
        )
        for key, label in reversed(SEVERITIES.items())
    ]
    return html.Section(
        [
            html.H2("Kejadian terbuka", className="ly-panel-title"),
            html.Div(
                [_figure("Semua terbuka", inc[el("inc", "open", "total")], el("inc", "open", "total"), True), *tiles],
                className="ly-figures ly-figures-5",
            ),
            _updated(inc, el("inc", "updated"), True),
        ],
        className="ly-panel",
    )


def _logistics_panel(rows: list[logistics.LogisticsRow]) -> html.Section:
    log = logistics_texts(rows)
    return html.Section(
        [
            html.H2("Logistik", className="ly-panel-title"),
            html.Div(
                [_figure("Kesiapan", log[el("log", "readiness")], el("log", "readiness"), True)], className="ly-figures"
            ),
            _updated(log, el("log", "updated"), True),
        ],
        className="ly-panel",
    )


def _slide(name: str, title: str, body: list, extra: str = "") -> html.Section:
    return html.Section(
        [html.H1(title, className="ly-slide-title"), *body],
        className=f"ly-slide {extra}".strip(),
        **{"data-name": name, "data-title": title},
    )


def _summary_slide(heads: list, live: bool, store: Any, rows: list[logistics.LogisticsRow]) -> html.Section:
    panels = [_summary_panel(contest, head, texts, live) for contest, head, texts in heads]
    if live:
        panels += [_incident_panel(store), _logistics_panel(rows)]
    return _slide("ringkasan", "Ringkasan", [html.Div(panels, className="ly-grid")])


def _contest_slide(contest: ContestInfo, head: RegionTotals, texts: dict[str, str], live: bool) -> html.Section:
    c = contest.id
    rows = []
    for i, p in enumerate(contest.paslon):
        share = head.shares[i]
        rows.append(
            html.Div(
                [
                    _badge(p.nomor, p.color),
                    html.Div(
                        [
                            html.Div(f"{p.kepala} – {p.wakil}", className="ly-name"),
                            html.Div(
                                html.Div(
                                    className="ly-fill",
                                    style={"width": f"{share * 100:.2f}%", "background": p.color},
                                    **({"data-bar": el(c, "share", p.nomor)} if live else {}),
                                ),
                                className="ly-bar",
                            ),
                        ],
                        className="ly-who",
                    ),
                    _t(texts[el(c, "share", p.nomor)], el(c, "share", p.nomor), "ly-share", live),
                    _t(texts[el(c, "votes", p.nomor)], el(c, "votes", p.nomor), "ly-votes", live),
                ],
                className="ly-paslon",
            )
        )
    return _slide(
        f"rekap-{c}",
        contest.name,
        [
            html.Div(
                [
                    _figure("TPS masuk", texts[el(c, "reported")], el(c, "reported"), live),
                    _figure("Progres", texts[el(c, "progress")], el(c, "progress"), live),
                    _figure("Partisipasi", texts[el(c, "turnout")], el(c, "turnout"), live),
                    _figure("Suara sah", texts[el(c, "sah")], el(c, "sah"), live),
                ],
                className="ly-figures ly-figures-4",
            ),
            html.Div(
                [
                    html.Span("Paslon", className="ly-label"),
                    html.Span("Persentase", className="ly-label ly-right"),
                    html.Span("Suara", className="ly-label ly-right"),
                ],
                className="ly-paslon-head",
            ),
            html.Div(rows, className="ly-paslon-list"),
            _updated(texts, el(c, "updated"), live),
        ],
    )


def _map_figure(store: Any) -> Any:
    d = desk()
    names = incidents.kecamatan_codes(store)
    boundaries = geo.load_boundaries(d.config.boundaries)
    centres = geo.region_centres(names, geo.kecamatan_centroids(), boundaries)
    rows = incidents.list_incidents(store, limit=500)
    fig = im.incident_map(rows, names, boundaries, centres)
    fig.update_layout(height=None, autosize=True, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    fig.update_traces(showscale=False, selector={"type": "choropleth"})
    fig.update_traces(marker_showscale=False, selector={"type": "scattergeo"})
    fig.update_traces(marker_size=18, selector={"mode": "markers"})
    return fig


def _incident_slide(store: Any) -> html.Section:
    inc = incident_texts(incidents.counts(store))
    legend = [
        html.Div(
            [
                html.Span(className=f"ly-dot ly-sev-{key}"),
                html.Span(label, className="ly-label"),
                _t(inc[el("inc", "open", key)], el("inc", "open", key), "ly-value", True),
            ],
            className=f"ly-sev ly-sev-{key}",
        )
        for key, label in reversed(SEVERITIES.items())
    ]
    return _slide(
        "kejadian",
        "Peta kejadian",
        [
            html.Div(
                [
                    dcc.Graph(
                        id="ly-map",
                        figure=_map_figure(store),
                        config={**MAP_CONFIG, "responsive": True, "staticPlot": True},
                        className="ly-map",
                        style={"height": "100%", "width": "100%"},
                    ),
                    html.Div(
                        [
                            _figure(
                                "Kejadian terbuka", inc[el("inc", "open", "total")], el("inc", "open", "total"), True
                            ),
                            html.Div("Terbuka menurut tingkat", className="ly-label"),
                            *legend,
                            html.Div(
                                "Titik = satu kejadian; wilayah lebih gelap = lebih banyak terbuka", className="ly-note"
                            ),
                            _updated(inc, el("inc", "updated"), True),
                        ],
                        className="ly-side",
                    ),
                ],
                className="ly-map-wrap",
            )
        ],
    )


def _logistics_slide(
    rows: list[logistics.LogisticsRow], contest_ids: list[str], ballots: dict[str, str]
) -> html.Section:
    log = logistics_texts(rows)
    lines = []
    for item in item_order(rows, contest_ids):
        group = [r for r in rows if r.item == item]
        received = sum(min(r.received, r.needed) for r in group if r.status != "rusak")
        needed = sum(r.needed for r in group)
        fraction = logistics.readiness(group)
        short = sum(1 for r in group if r.status in logistics.SHORT_STATUSES)
        lines.append(
            html.Div(
                [
                    html.Span(item_label(item, ballots), className="ly-item"),
                    html.Div(
                        html.Div(className="ly-fill ly-fill-log", style={"width": f"{fraction * 100:.2f}%"}),
                        className="ly-bar",
                    ),
                    html.Span(fmt_pct(fraction, 1), className="ly-share"),
                    html.Span(f"{fmt_int(received)} / {fmt_int(needed)}", className="ly-count"),
                    html.Span(f"{fmt_int(short)} kec. kurang/rusak" if short else "—", className="ly-short"),
                ],
                className="ly-item-row",
            )
        )
    return _slide(
        "logistik",
        "Logistik",
        [
            html.Div(
                [_figure("Kesiapan seluruh logistik", log[el("log", "readiness")], el("log", "readiness"), True)],
                className="ly-figures",
            ),
            html.Div(
                [
                    html.Span("Barang", className="ly-label"),
                    html.Span("Siap", className="ly-label ly-right"),
                    html.Span("Diterima / dibutuhkan", className="ly-label ly-right"),
                ],
                className="ly-item-head",
            ),
            html.Div(lines, className="ly-item-list"),
            _updated(log, el("log", "updated"), True),
        ],
    )


def _frozen_heads(info: snapshots.SnapshotInfo) -> list:
    d = desk()
    out = []
    for contest in d.recap.contests():
        head, _children = d.recap.totals(contest.id, as_of=info.as_of)
        last = results.last_received(d.store, contest.id, info.as_of)
        out.append((contest, head, recap_texts(contest, head, last)))
    return out


def _live_heads() -> list:
    d = desk()
    out = []
    for contest in d.recap.contests():
        head, _children = d.recap.totals(contest.id)
        out.append((contest, head, recap_texts(contest, head, results.last_received(d.store, contest.id))))
    return out


def _header(interval: int, banner: Any) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Span("—", id="ly-clock", className="ly-clock"),
                    html.Span("", id="ly-pos", className="ly-pos"),
                    html.Span(f"Putar · {interval} detik", id="ly-play", className="ly-play"),
                ],
                className="ly-head",
            ),
            banner,
        ],
        className="ly-top",
    )


def layout(snapshot: str | None = None, interval: str | None = None, **_params: str) -> html.Div:
    """The big screen: live views, or the views of a frozen snapshot."""
    d = desk()
    store = d.store
    seconds = interval_of(interval)
    info = snapshots.get_snapshot(store, int(snapshot)) if snapshot and str(snapshot).isdigit() else None
    if snapshot and info is None:
        return html.Div(
            html.Div(f"Cuplikan {snapshot} tidak ada.", className="notice notice-error", role="alert"),
            id="page-layar",
            className="ly-screen",
        )
    live = info is None
    heads = _live_heads() if live else _frozen_heads(info)
    banner = None
    if info is not None:
        banner = html.Div(
            [
                html.Strong(info.label, className="ly-frozen-label"),
                html.Span(
                    f" · cuplikan #{info.id}, dibekukan oleh {info.created_by} pukul {fmt_wib(info.created_at)}"
                    " · angka tidak berubah",
                    className="ly-frozen-who",
                ),
            ],
            className="ly-frozen",
            role="status",
        )
    rows = logistics.board(store) if live else []
    slides = [_summary_slide(heads, live, store, rows)]
    slides += [_contest_slide(contest, head, texts, live) for contest, head, texts in heads]
    if live:
        ballots = summary.ballot_names(store)
        slides += [_incident_slide(store), _logistics_slide(rows, [c.id for c, _h, _t in heads], ballots)]
    return html.Div(
        [
            _header(seconds, banner),
            html.Div(slides, className="ly-slides"),
            html.Div(_keys_hint(), className="ly-keys"),
        ],
        id="page-layar",
        className="ly-screen ly-frozen-screen" if info else "ly-screen",
        **{
            "data-interval": str(seconds),
            "data-frozen": info.label if info else "",
            "data-snapshot": str(info.id) if info else "",
        },
    )


def _keys_hint() -> str:
    return "Spasi: jeda / putar · ← →: tampilan sebelumnya / berikutnya"
