"""Logistik: supplies per kecamatan and item, needed / received / status."""

from __future__ import annotations

from dash import html

from dashboard.catalog import LOGISTICS_STATUSES, item_label
from dashboard.fmt import fmt_int, fmt_pct, fmt_wib
from dashboard.messages import el, logistics_texts
from data_sources import logistics
from layouts.common import card, desk, stat, table


def layout(**_params: str) -> html.Div:
    """The logistics board."""
    rows = logistics.board(desk().store)
    texts = logistics_texts(rows)
    body = [
        [
            r.kecamatan,
            item_label(r.item),
            fmt_int(r.needed),
            fmt_int(r.received),
            html.Span(LOGISTICS_STATUSES.get(r.status, r.status), className=f"lstatus lstatus-{r.status}"),
            fmt_pct(min(r.received, r.needed) / r.needed if r.needed else 0),
            fmt_wib(r.updated_at),
        ]
        for r in rows
    ]
    return html.Div(
        [
            html.H1("Logistik"),
            html.Div(
                [
                    stat("Kesiapan logistik", texts[el("log", "readiness")], el("log", "readiness"), True),
                    stat("Pembaruan terakhir", texts[el("log", "updated")], el("log", "updated")),
                ],
                className="stats",
            ),
            card(
                "Per kecamatan dan barang (saat halaman dibuka)",
                table(
                    ["Kecamatan", "Barang", "Kebutuhan", "Diterima", "Status", "Terpenuhi", "Pembaruan"],
                    body,
                    "logistics-table",
                )
                if rows
                else html.P("Belum ada data logistik.", className="muted"),
            ),
        ],
        id="page-logistik",
    )
