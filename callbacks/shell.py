"""Clientside callbacks of the shell (assets/live.js): apply pushed messages, show connection and staleness."""

from __future__ import annotations

from importlib import import_module

from dash import ClientsideFunction, Dash, Input, Output

from layouts.shell import EVENTS


def register(app: Dash) -> None:
    """Wire every pushed event to its handler in assets/live.js, and the connection indicator."""
    import_module("callbacks.follow").register(app)  # the `view` event: presenter and followers
    for event in EVENTS:
        app.clientside_callback(
            ClientsideFunction(namespace="live", function_name=event),
            Output("last-seen", "data", allow_duplicate=True),
            Input("sio", f"data-{event}"),
            prevent_initial_call=True,
        )
    app.clientside_callback(
        ClientsideFunction(namespace="live", function_name="connection"),
        Output("conn-state", "children"),
        Output("conn-dot", "className"),
        Output("stale-banner", "className"),
        Output("stale-banner", "children"),
        Input("sio", "connected"),
        Input("liveness", "n_intervals"),
    )
    app.clientside_callback(  # the alerts this screen has not acknowledged yet (kept in sessionStorage)
        ClientsideFunction(namespace="alerts", function_name="restore"),
        Output("alert-banner", "children"),
        Output("alert-banner", "className"),
        Input("alert-meta", "data"),
    )
