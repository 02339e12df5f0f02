"""Ringkasan: the one-screen summary of every contest, incidents and logistics."""

from __future__ import annotations

from dash import html

from dashboard.catalog import SEVERITIES
from dashboard.messages import el, incident_texts, logistics_texts
from data_sources import incidents, logistics
from data_sources.summary import ContestInfo
from layouts.common import card, desk, headlines, stat


def contest_card(contest: ContestInfo, texts: dict[str, str]) -> html.Section:
    """Progress, leader and review counts of one contest."""
    c = contest.id
    return card(
        contest.name,
        html.Div(
            [
                stat("TPS masuk", texts[el(c, "reported")], el(c, "reported"), big=True),
                stat("Progres", texts[el(c, "progress")], el(c, "progress"), big=True),
                stat("Unggul sementara", texts[el(c, "leader")], el(c, "leader")),
                stat("Perlu dicek", texts[el(c, "held")], el(c, "held")),
                stat("Janggal", texts[el(c, "janggal")], el(c, "janggal")),
                stat("Data terakhir", texts[el(c, "updated")], el(c, "updated")),
            ],
            className="stats",
        ),
        class_name=f"contest-card contest-{c}",
    )


def layout(**_params: str) -> html.Div:
    """The summary page."""
    store = desk().store
    inc = incident_texts(incidents.counts(store))
    log = logistics_texts(logistics.board(store))
    incident_stats = [stat("Kejadian terbuka", inc[el("inc", "open", "total")], el("inc", "open", "total"), True)]
    incident_stats += [
        stat(f"Terbuka · {label}", inc[el("inc", "open", key)], el("inc", "open", key))
        for key, label in SEVERITIES.items()
    ]
    incident_stats.append(stat("Perubahan terakhir", inc[el("inc", "updated")], el("inc", "updated")))
    return html.Div(
        [
            html.H1("Ringkasan"),
            html.Div([contest_card(contest, texts) for contest, _head, texts in headlines()], className="grid-2"),
            html.Div(
                [
                    card("Kejadian", html.Div(incident_stats, className="stats")),
                    card(
                        "Logistik",
                        html.Div(
                            [
                                stat("Kesiapan logistik", log[el("log", "readiness")], el("log", "readiness"), True),
                                stat("Pembaruan terakhir", log[el("log", "updated")], el("log", "updated")),
                            ],
                            className="stats",
                        ),
                    ),
                ],
                className="grid-2",
            ),
        ],
        id="page-ringkasan",
    )
