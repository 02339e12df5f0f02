"""Rekapitulasi: per contest, votes per paslon, progress, per-kecamatan table and TPS to check."""

from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from dashboard.fmt import fmt_int, fmt_pct, fmt_wib
from dashboard.messages import el, recap_texts
from data_sources import results, summary
from data_sources.store import Store
from layouts.common import card, desk, stat, table


def _paslon_table(t: summary.Totals) -> html.Table:
    texts = recap_texts(t)
    c = t.contest.id
    rows = [
        [
            html.Span("■", style={"color": p.color}, className="swatch"),
            str(p.nomor),
            f"{p.kepala} – {p.wakil}",
            html.Span(texts[el(c, "votes", p.nomor)], id=el(c, "votes", p.nomor)),
            html.Span(texts[el(c, "share", p.nomor)], id=el(c, "share", p.nomor)),
        ]
        for p in t.contest.paslon
    ]
    return table(["", "No.", "Paslon", "Suara", "%"], rows, "paslon-table")


def _kecamatan_table(store: Store, contest: summary.ContestInfo) -> html.Table:
    names = summary.region_names(store, level=3)
    rows = []
    for t in summary.breakdown(store, contest.id, level=3):
        leader = t.leader
        rows.append(
            [
                names.get(t.region_code, t.region_code),
                f"{fmt_int(t.tps_reported)} / {fmt_int(t.tps_total)}",
                fmt_pct(t.progress),
                *[fmt_int(t.votes.get(p.nomor, 0)) for p in contest.paslon],
                leader.label if leader else "—",
                fmt_int(t.held),
            ]
        )
    headers = [
        "Kecamatan",
        "TPS masuk",
        "Progres",
        *[f"Paslon {p.nomor}" for p in contest.paslon],
        "Unggul",
        "Perlu dicek",
    ]
    return table(headers, rows, "kecamatan-table")


def _held_list(store: Store, contest_id: str) -> html.Div:
    held = results.held_results(store, contest_id)[:100]
    if not held:
        return html.P("Belum ada TPS yang perlu dicek atau janggal.", className="muted")
    rows = [
        [
            r["tps"],
            "Perlu dicek" if r["status"] == "perlu_dicek" else "Janggal",
            " ".join(f["message"] for f in r["flags"]),
            fmt_wib(datetime.fromisoformat(r["received_at"])),
        ]
        for r in held
    ]
    return table(["TPS", "Status", "Alasan", "Diterima"], rows, "held-table")


def layout(contest: str | None = None, **_params: str) -> html.Div:
    """The recap page of one contest (the first when none is chosen)."""
    store = desk().store
    all_totals = summary.contest_totals(store)
    if not all_totals:
        return html.Div([html.H1("Rekapitulasi"), html.P("Belum ada skenario pemilihan yang dimuat.")])
    chosen = next((t for t in all_totals if t.contest.id == contest), all_totals[0])
    c = chosen.contest.id
    texts = recap_texts(chosen)
    switch = html.Nav(
        [
            dcc.Link(
                t.contest.name,
                href=f"/rekapitulasi?contest={t.contest.id}",
                className="tab active" if t.contest.id == c else "tab",
                id=f"tab-{t.contest.id}",
            )
            for t in all_totals
        ],
        className="tabs",
    )
    return html.Div(
        [
            html.H1("Rekapitulasi"),
            switch,
            html.H2(chosen.contest.name, id="recap-contest-name"),
            html.Div(
                [
                    stat("TPS masuk", texts[el(c, "reported")], el(c, "reported"), big=True),
                    stat("Progres", texts[el(c, "progress")], el(c, "progress"), big=True),
                    stat("Suara sah", texts[el(c, "sah")], el(c, "sah")),
                    stat("Suara tidak sah", texts[el(c, "tidak-sah")], el(c, "tidak-sah")),
                    stat("Perlu dicek", texts[el(c, "held")], el(c, "held")),
                    stat("Janggal", texts[el(c, "janggal")], el(c, "janggal")),
                ],
                className="stats",
            ),
            card("Perolehan suara per paslon", _paslon_table(chosen)),
            card("Per kecamatan (saat halaman dibuka)", _kecamatan_table(store, chosen.contest)),
            card("TPS perlu dicek dan janggal", _held_list(store, c)),
        ],
        id="page-rekapitulasi",
    )
