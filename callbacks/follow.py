"""Pushed `view` events go straight to assets/follow.js in the browser (no server callback per viewer)."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output


def register(app: Dash) -> None:
    """Wire the shell's `view` event and connection state to the follow script."""
    app.clientside_callback(
        ClientsideFunction(namespace="follow", function_name="view"),
        Output("follow-sink", "data"),
        Input("sio", "data-view"),
        Input("sio", "connected"),
        prevent_initial_call=True,
    )
