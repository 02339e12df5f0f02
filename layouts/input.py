"""Input: an operator keys in a C1 result for one TPS."""

from __future__ import annotations

from dash import dcc, html

from data_sources import summary
from layouts.common import card, denied, desk, has_role


def vote_fields(contest: summary.ContestInfo | None) -> list:
    """One number field per paslon of the contest."""
    if contest is None:
        return []
    return [
        html.Label(
            [
                f"Paslon {p.nomor}: {p.kepala} – {p.wakil}",
                dcc.Input(id={"type": "vote", "nomor": p.nomor}, type="number", min=0, step=1),
            ],
            className="field",
        )
        for p in contest.paslon
    ]


def layout(**_params: str) -> html.Div:
    """The C1 entry form (operators and admins only)."""
    allowed = has_role("admin", "operator")
    contests = summary.contests(desk().store) if allowed else []
    first = contests[0] if contests else None
    form = html.Div(
        [
            html.Div(
                [
                    html.Label("Kontestasi", htmlFor="c1-contest"),
                    dcc.Dropdown(
                        id="c1-contest",
                        options=[{"label": c.name, "value": c.id} for c in contests],
                        value=first.id if first else None,
                        clearable=False,
                    ),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label("Kode TPS (mis. 16.07.08.2001.003 atau 1607082001003)", htmlFor="c1-tps"),
                    dcc.Input(id="c1-tps", type="text", placeholder="16.07.08.2001.003"),
                ],
                className="field",
            ),
            html.Div(vote_fields(first), id="c1-votes"),
            html.Div(
                [
                    html.Label("Suara tidak sah", htmlFor="c1-tidak-sah"),
                    dcc.Input(id="c1-tidak-sah", type="number", min=0, step=1),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label("Pemilih yang hadir (pengguna hak pilih)", htmlFor="c1-hadir"),
                    dcc.Input(id="c1-hadir", type="number", min=0, step=1),
                ],
                className="field",
            ),
            html.Button("Simpan hasil", id="c1-submit", n_clicks=0, className="button"),
            html.Div(id="c1-outcome", className="outcome", role="status"),
        ],
        className="form",
        style=None if allowed else {"display": "none"},
    )
    return html.Div(
        [html.H1("Input C1"), None if allowed else denied(), card("Hasil TPS (formulir C1)", form)],
        id="page-input",
    )
