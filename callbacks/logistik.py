"""Logistik's live updates, all in the browser (assets/incidents.js, namespace `logistik`).

`desk:logistics` window event → store `lg-msg` → `apply`: the changed kecamatan rows, the per-item totals, the
late-or-short list, the counts and the readiness map. The shell's one-second `liveness` tick (which fetches
nothing) lets lines in transit turn late when the cut-off passes.
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State


def register(app: Dash) -> None:
    """Wire the board, the list and the map to the clientside function in assets/incidents.js."""
    app.clientside_callback(
        ClientsideFunction(namespace="logistik", function_name="apply"),
        Output("lg-map", "figure"),
        Output("lg-rows", "children"),
        Output("lg-items", "children"),
        Output("lg-attn-rows", "children"),
        Output("lg-attn-empty", "className"),
        Input("lg-msg", "data"),
        Input("liveness", "n_intervals"),
        State("lg-view", "data"),
    )
