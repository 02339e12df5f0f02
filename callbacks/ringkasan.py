"""Ringkasan's live parts beyond the shell's pushed texts, all in the browser (assets/incidents.js).

`desk:incident` → store `rs-inc-msg` → the latest incidents list; `desk:logistics` → store `rs-log-msg` → the
readiness bar, the counts of complete, late, short and waiting lines, and each item's totals. The contests'
progress bars follow `desk:recap` directly (set_props).
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State


def _js(name: str) -> ClientsideFunction:
    """A function of the `ringkasan` namespace in assets/incidents.js."""
    return ClientsideFunction(namespace="ringkasan", function_name=name)


def register(app: Dash) -> None:
    """Wire the latest incidents and the logistics counts to assets/incidents.js."""
    app.clientside_callback(
        _js("incidents"),
        Output("rs-latest", "children"),
        Output("rs-latest-empty", "className"),
        Input("rs-inc-msg", "data"),
        State("rs-view", "data"),
    )
    app.clientside_callback(
        _js("logistics"),
        Output("rs-log-fill", "style"),
        Output("rs-log-done", "children"),
        Output("rs-log-late", "children"),
        Output("rs-log-short", "children"),
        Output("rs-log-waiting", "children"),
        Output("rs-log-items", "children"),
        Input("rs-log-msg", "data"),
        Input("liveness", "n_intervals"),
        State("rs-view", "data"),
    )
