"""Kejadian: incidents reported in the field, newest first, with their status history."""

from __future__ import annotations

from datetime import datetime

from dash import html

from dashboard.catalog import CATEGORIES, INCIDENT_STATUSES, SEVERITIES, STAGES
from dashboard.fmt import fmt_wib
from dashboard.messages import el, incident_texts
from data_sources import incidents, summary
from layouts.common import card, desk, stat, table


def _history(rows: list[dict]) -> html.Ul:
    items = []
    for h in rows:
        step = f"{fmt_wib(datetime.fromisoformat(h['at']))} · {h['actor']}: {h['from'] or '—'} → {h['to']}"
        if h.get("note"):
            step += f" ({h['note']})"
        items.append(html.Li(step))
    return html.Ul(items, className="history")


def layout(**_params: str) -> html.Div:
    """The incident list."""
    store = desk().store
    rows = incidents.list_incidents(store, limit=300)
    names = summary.region_names(store, level=3)
    texts = incident_texts(incidents.counts(store))
    body = [
        [
            fmt_wib(datetime.fromisoformat(r["occurred_at"])),
            names.get(r["kecamatan"], r["kecamatan"]) + (f" · TPS {r['tps'][-3:]}" if r["tps"] else ""),
            CATEGORIES.get(r["category"], r["category"]),
            html.Span(SEVERITIES.get(r["severity"], r["severity"]), className=f"sev sev-{r['severity']}"),
            INCIDENT_STATUSES.get(r["status"], r["status"]),
            STAGES.get(r["stage"], r["stage"]),
            html.Div([html.Div(r["description"], className="desc"), _history(r.get("history", []))]),
        ]
        for r in rows
    ]
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
            card(
                "Daftar kejadian (saat halaman dibuka)",
                table(
                    ["Waktu", "Tempat", "Kategori", "Tingkat", "Status", "Tahapan", "Uraian dan riwayat"],
                    body,
                    "incident-table",
                )
                if rows
                else html.P("Belum ada kejadian yang dilaporkan.", className="muted"),
            ),
        ],
        id="page-kejadian",
    )
