"""Layar: the big-screen view, large numbers for the command center and the video call."""

from __future__ import annotations

from dash import html

from dashboard.messages import el, incident_texts, logistics_texts
from data_sources import incidents, logistics
from data_sources.summary import ContestInfo
from layouts.common import desk, headlines, stat


def _contest_panel(contest: ContestInfo, texts: dict[str, str]) -> html.Section:
    c = contest.id
    paslon = [
        html.Div(
            [
                html.Span(str(p.nomor), className="screen-no", style={"background": p.color}),
                html.Span(f"{p.kepala} – {p.wakil}", className="screen-name"),
                html.Span(texts[el(c, "votes", p.nomor)], id=el(c, "votes", p.nomor), className="screen-votes"),
                html.Span(texts[el(c, "share", p.nomor)], id=el(c, "share", p.nomor), className="screen-share"),
            ],
            className="screen-row",
        )
        for p in contest.paslon
    ]
    return html.Section(
        [
            html.H2(contest.name, className="screen-title"),
            html.Div(
                [
                    stat("TPS masuk", texts[el(c, "reported")], el(c, "reported"), big=True),
                    stat("Progres", texts[el(c, "progress")], el(c, "progress"), big=True),
                    stat("Data terakhir", texts[el(c, "updated")], el(c, "updated")),
                ],
                className="stats",
            ),
            html.Div(paslon, className="screen-paslon"),
        ],
        className="screen-panel",
    )


def layout(**_params: str) -> html.Div:
    """The big screen."""
    store = desk().store
    inc = incident_texts(incidents.counts(store))
    log = logistics_texts(logistics.board(store))
    return html.Div(
        [
            html.Div([_contest_panel(contest, texts) for contest, _head, texts in headlines()], className="grid-2"),
            html.Div(
                [
                    stat("Kejadian terbuka", inc[el("inc", "open", "total")], el("inc", "open", "total"), True),
                    stat("Kritis terbuka", inc[el("inc", "open", "kritis")], el("inc", "open", "kritis"), True),
                    stat("Kesiapan logistik", log[el("log", "readiness")], el("log", "readiness"), True),
                ],
                className="stats screen-footer",
            ),
        ],
        id="page-layar",
        className="screen",
    )
