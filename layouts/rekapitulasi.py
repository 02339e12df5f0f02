"""Rekapitulasi: per contest, votes per paslon, progress, per-kecamatan table and TPS to check."""

from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from dashboard.fmt import fmt_int, fmt_pct, fmt_wib
from dashboard.messages import el
from data_sources import results, summary
from data_sources.store import Store
from layouts.common import card, desk, headlines, stat, table


def _paslon_table(contest: summary.ContestInfo, texts: dict[str, str]) -> html.Table:
    c = contest.id
    rows = [
        [
            html.Span("■", style={"color": p.color}, className="swatch"),
            str(p.nomor),
            f"{p.kepala} – {p.wakil}",
            html.Span(texts[el(c, "votes", p.nomor)], id=el(c, "votes", p.nomor)),
            html.Span(texts[el(c, "share", p.nomor)], id=el(c, "share", p.nomor)),
        ]
        for p in contest.paslon
    ]
    return table(["", "No.", "Paslon", "Suara", "%"], rows, "paslon-table")


def _kecamatan_table(contest: summary.ContestInfo) -> html.Table:
    recap = desk().recap
    _main, children = recap.totals(contest.id, recap.main_region(contest.id))
    rows = []
    for t in children:
        leader = next((p for p in contest.paslon if p.nomor == t.leader), None)
        rows.append(
            [
                t.name,
                f"{fmt_int(t.tps_reported)} / {fmt_int(t.tps_total)}",
                fmt_pct(t.progress),
                *[fmt_int(v) for v in t.votes],
                leader.label if leader else "—",
                fmt_int(t.held),
            ]
        )
    headers = [
        "Wilayah",
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
    heads = headlines()
    if not heads:
        return html.Div([html.H1("Rekapitulasi"), html.P("Belum ada skenario pemilihan yang dimuat.")])
    chosen, _head, texts = next((h for h in heads if h[0].id == contest), heads[0])
    c = chosen.id
    switch = html.Nav(
        [
            dcc.Link(
                other.name,
                href=f"/rekapitulasi?contest={other.id}",
                className="tab active" if other.id == c else "tab",
                id=f"tab-{other.id}",
            )
            for other, _h, _t in heads
        ],
        className="tabs",
    )
    return html.Div(
        [
            html.H1("Rekapitulasi"),
            switch,
            html.H2(chosen.name, id="recap-contest-name"),
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
            card("Perolehan suara per paslon", _paslon_table(chosen, texts)),
            card("Per kecamatan (saat halaman dibuka)", _kecamatan_table(chosen)),
            card("TPS perlu dicek dan janggal", _held_list(store, c)),
        ],
        id="page-rekapitulasi",
    )
