"""Logistik: supplies per kecamatan and item — needed, received, status, last update — with readiness on a map.

Late lines (not received after the election day's cut-off, `logistics.LATE_HOUR` WIB) and short ones (kurang,
rusak, or fewer than needed) are highlighted and listed apart. Pushed `logistics` messages change cells, totals,
the list and the map in the browser (assets/incidents.js, wired in callbacks/logistik.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dash import dcc, html

from dashboard.charts import incident_maps as im
from dashboard.charts.figures import MAP_CONFIG, shown_regions
from dashboard.live.messages import el, logistics_texts
from data_sources import geo, logistics, summary
from data_sources.domain.fmt import fmt_int, fmt_pct, fmt_wib, now_utc
from data_sources.domain.vocab import BALLOT_PREFIX, ITEMS_PER_TPS, LOGISTICS_STATUSES, item_label
from data_sources.logistics import LogisticsRow
from layouts.common import card, desk, stat

ATTENTION_LIMIT = 60


def item_order(rows: Iterable[LogisticsRow], contest_ids: Sequence[str] = ()) -> list[str]:
    """The board's items as columns: ballots in contest order, then the other items in catalogue order."""
    present = {r.item for r in rows}
    ballots = [BALLOT_PREFIX + c for c in contest_ids if BALLOT_PREFIX + c in present]
    ballots += sorted(i for i in present if i.startswith(BALLOT_PREFIX) and i not in ballots)
    others = [i for i in ITEMS_PER_TPS if i in present]
    others += sorted(i for i in present if i not in ballots and i not in others)
    return ballots + others


def line_cell(row: LogisticsRow | None, state: str | None) -> html.Td:
    """A kecamatan × item cell: received / needed, status and the time of the last update."""
    if row is None:
        return html.Td("—", className="lg-cell lg-none")
    return html.Td(
        [
            html.Div(f"{fmt_int(row.received)} / {fmt_int(row.needed)}", className="lg-num"),
            html.Div(LOGISTICS_STATUSES.get(row.status, row.status), className="lg-st"),
            html.Div(fmt_wib(row.updated_at), className="lg-time"),
        ],
        className=f"lg-cell lg-{state}",
        title=f"Pembaruan {fmt_wib(row.updated_at, with_date=True)} oleh {row.updated_by}",
    )


def ready_cell(fraction: float) -> html.Td:
    """A readiness percentage with a bar."""
    return html.Td(
        [
            html.Div(fmt_pct(fraction), className="lg-pct"),
            html.Div(html.Div(className="lg-fill", style={"width": f"{fraction * 100:.2f}%"}), className="lg-bar"),
        ],
        className="lg-ready",
    )


def kecamatan_row(
    code: str, name: str, lines: dict[str, LogisticsRow], items: Sequence[str], now: Any, cutoff: Any
) -> html.Tr:
    """A kecamatan's row of the board (assets/incidents.js builds the same: `logistikRow`)."""
    cells = [
        line_cell(lines.get(item), logistics.line_state(lines[item], now, cutoff) if item in lines else None)
        for item in items
    ]
    return html.Tr(
        [html.Td(name, className="lg-name"), ready_cell(logistics.readiness(list(lines.values()))), *cells],
        id=f"lg-row-{code}",
        className="lg-row",
    )


def item_rows(rows: Sequence[LogisticsRow], items: Sequence[str], labels: dict[str, str]) -> list[html.Div]:
    """Each item over the whole regency: received in good order / needed, with a bar (assets/incidents.js builds
    the same: `itemRows`)."""
    out = []
    for item in items:
        group = [r for r in rows if r.item == item]
        received = sum(min(r.received, r.needed) for r in group if r.status != "rusak")
        needed = sum(r.needed for r in group)
        fraction = logistics.readiness(group)
        out.append(
            html.Div(
                [
                    html.Span(labels.get(item, item), className="lg-item-name"),
                    html.Div(
                        html.Div(className="lg-fill", style={"width": f"{fraction * 100:.2f}%"}), className="lg-bar"
                    ),
                    html.Span(f"{fmt_int(received)} / {fmt_int(needed)}", className="lg-item-num"),
                    html.Span(fmt_pct(fraction), className="lg-item-pct"),
                ],
                className="lg-item-row",
            )
        )
    return out


def attention_rows(
    rows: Sequence[LogisticsRow], now: Any, cutoff: Any, ballots: Mapping[str, str] | None = None
) -> list[html.Tr]:
    """Late and short lines, short first, by kecamatan (assets/incidents.js builds the same: `attentionRows`)."""
    flagged = [(logistics.line_state(r, now, cutoff), r) for r in rows]
    flagged = [(s, r) for s, r in flagged if s in (logistics.SHORT, logistics.LATE)]
    flagged.sort(key=lambda sr: (sr[0] != logistics.SHORT, sr[1].kecamatan_code, sr[1].item))
    out = [
        html.Tr(
            [
                html.Td(r.kecamatan),
                html.Td(item_label(r.item, ballots)),
                html.Td(f"{fmt_int(r.received)} / {fmt_int(r.needed)}", className="num"),
                html.Td(html.Span(logistics.LINE_STATES[s], className=f"lg-flag lg-flag-{s}")),
                html.Td(LOGISTICS_STATUSES.get(r.status, r.status)),
                html.Td(fmt_wib(r.updated_at)),
            ],
            className=f"lg-attn lg-{s}",
        )
        for s, r in flagged[:ATTENTION_LIMIT]
    ]
    if len(flagged) > ATTENTION_LIMIT:
        out.append(html.Tr(html.Td(f"dan {fmt_int(len(flagged) - ATTENTION_LIMIT)} baris lainnya", colSpan=6)))
    return out


def summary_texts(rows: list[LogisticsRow], now: Any, cutoff: Any) -> dict[str, str]:
    """The page's counts as texts, by element id (the browser recomputes them: `logistikTexts`)."""
    s = logistics.board_summary(rows, now, cutoff)
    return {
        "lg-done": f"{fmt_int(s[logistics.COMPLETE])} / {fmt_int(s['lines'])}",
        "lg-late": fmt_int(s[logistics.LATE]),
        "lg-short": fmt_int(s[logistics.SHORT]),
        "lg-waiting": fmt_int(s[logistics.WAITING]),
    }


def line_data(r: LogisticsRow) -> list[Any]:
    """A line as the browser keeps it: [kecamatan, item, needed, received, status, updated_at, updated_by]."""
    return [r.kecamatan_code, r.item, r.needed, r.received, r.status, r.updated_at.isoformat(), r.updated_by]


def view_data(
    rows: list[LogisticsRow],
    items: list[str],
    names: dict[str, str],
    regions: list[str],
    polygons: bool,
    cutoff: Any,
    ballots: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the browser needs to apply pushed lines."""
    return {
        "rendered_at": now_utc().isoformat(),
        "clock": im.clock_view(desk()),
        "cutoff": cutoff.isoformat() if cutoff else None,
        "items": items,
        "item_labels": {i: item_label(i, ballots) for i in items},
        "status_labels": LOGISTICS_STATUSES,
        "state_labels": logistics.LINE_STATES,
        "kecamatan": list(names),
        "names": names,
        "regions": regions,
        "polygons": polygons,
        "lines": [line_data(r) for r in rows],
        "attention_limit": ATTENTION_LIMIT,
    }


def layout(**_params: str) -> html.Div:
    """The logistics board."""
    d = desk()
    store = d.store
    rows = logistics.board(store)
    texts = logistics_texts(rows)
    now = im.reference_now(d)
    cutoff = logistics.late_cutoff(store)
    items = item_order(rows, [c.id for c in summary.contests(store)])
    ballots = summary.ballot_names(store)
    labels = {i: item_label(i, ballots) for i in items}
    by_kec: dict[str, dict[str, LogisticsRow]] = {}
    names: dict[str, str] = {}
    for r in rows:
        by_kec.setdefault(r.kecamatan_code, {})[r.item] = r
        names[r.kecamatan_code] = r.kecamatan
    boundaries = geo.load_boundaries(d.config.boundaries)
    centres = geo.region_centres(names, geo.kecamatan_centroids(), boundaries)
    regions, polygons = shown_regions(list(names), boundaries, centres)
    counts = summary_texts(rows, now, cutoff)
    if not rows:
        return html.Div(
            [html.H1("Logistik"), html.P("Belum ada data logistik.", className="muted")], id="page-logistik"
        )
    matrix = html.Table(
        [
            html.Thead(
                html.Tr(
                    [html.Th("Kecamatan"), html.Th("Kesiapan")]
                    + [html.Th(labels[i], className="lg-item") for i in items]
                )
            ),
            html.Tbody([kecamatan_row(c, names[c], by_kec[c], items, now, cutoff) for c in names], id="lg-rows"),
            html.Tbody(id="lg-live-rows"),  # the browser draws the rows here once the page is open
        ],
        className="table logistics-table lg-matrix",
    )
    attention = attention_rows(rows, now, cutoff, ballots)
    cutoff_text = fmt_wib(cutoff, with_date=True) if cutoff else "—"
    return html.Div(
        [
            html.H1("Logistik"),
            html.Div(
                [
                    stat("Kesiapan logistik", texts[el("log", "readiness")], el("log", "readiness"), True),
                    stat("Baris lengkap", counts["lg-done"], "lg-done", True),
                    stat("Terlambat", counts["lg-late"], "lg-late"),
                    stat("Kurang / rusak", counts["lg-short"], "lg-short"),
                    stat("Menunggu", counts["lg-waiting"], "lg-waiting"),
                    stat("Batas tiba", cutoff_text),
                    stat("Pembaruan terakhir", texts[el("log", "updated")], el("log", "updated")),
                ],
                className="stats",
            ),
            html.Div(
                [
                    card(
                        "Kesiapan per kecamatan",
                        html.Div(
                            [
                                dcc.Graph(
                                    id="lg-map",
                                    figure=im.readiness_map(
                                        logistics.readiness_by_kecamatan(rows), names, boundaries, centres
                                    ),
                                    config=MAP_CONFIG,
                                    className="lg-graph lg-map",
                                ),
                                html.P(
                                    "Kesiapan: bagian kebutuhan yang sudah diterima dalam keadaan baik "
                                    "(tiap barang paling banyak sebesar kebutuhannya).",
                                    className="muted lg-hint",
                                ),
                            ]
                        ),
                        "lg-map-card",
                    ),
                    html.Div(
                        [
                            card(
                                "Per barang, seluruh kabupaten",
                                html.Div(
                                    [
                                        html.Div(item_rows(rows, items, labels), id="lg-items", className="lg-items"),
                                        html.Div(id="lg-items-live", className="lg-items"),
                                    ]
                                ),
                                "lg-items-card",
                            ),
                            card(
                                "Perlu perhatian: terlambat atau kurang",
                                html.Div(
                                    [
                                        html.Table(
                                            [
                                                html.Thead(
                                                    html.Tr(
                                                        [
                                                            html.Th(h)
                                                            for h in (
                                                                "Kecamatan",
                                                                "Barang",
                                                                "Diterima / kebutuhan",
                                                                "Keadaan",
                                                                "Status",
                                                                "Pembaruan",
                                                            )
                                                        ]
                                                    )
                                                ),
                                                html.Tbody(attention, id="lg-attn-rows"),
                                                html.Tbody(id="lg-attn-live"),
                                            ],
                                            className="table lg-attention",
                                        ),
                                        html.P(
                                            "Tidak ada barang yang terlambat atau kurang.",
                                            id="lg-attn-empty",
                                            className="muted hidden" if attention else "muted",
                                        ),
                                    ]
                                ),
                                "lg-attn-card",
                            ),
                        ],
                        className="lg-side",
                    ),
                ],
                className="grid-2 lg-grid",
            ),
            card("Per kecamatan dan barang: diterima / kebutuhan, status, pembaruan (WIB)", matrix, "lg-matrix-card"),
            html.P(
                f"Kebutuhan surat suara = DPT + 2,5 % per TPS. Terlambat: belum diterima sesudah {cutoff_text}.",
                className="muted lg-hint",
            ),
            dcc.Store(id="lg-view", data=view_data(rows, items, names, regions, polygons, cutoff, ballots)),
            dcc.Store(id="lg-msg"),
        ],
        id="page-logistik",
        className="lg-page",
    )
