"""Clientside callbacks of the shell: apply pushed texts, show connection state and staleness."""

from __future__ import annotations

from dash import Dash, Input, Output

from layouts.shell import EVENTS

APPLY_TEXTS = """
function (msg) {
    if (!msg) { return window.dash_clientside.no_update; }
    const texts = msg.text || {};
    for (const [id, value] of Object.entries(texts)) {
        if (document.getElementById(id)) {
            window.dash_clientside.set_props(id, {children: value});
        }
    }
    window.dash_clientside.set_props("last-update", {children: msg.sent_at || ""});
    return Date.now();
}
"""

CONNECTION = """
function (connected) {
    let state = "Menghubungkan…", dot = "conn-dot conn-wait", banner = "stale-banner hidden", text = "";
    if (connected) { state = "Terhubung (langsung)"; dot = "conn-dot conn-ok"; }
    else if (connected === false) {
        state = "Terputus"; dot = "conn-dot conn-bad"; banner = "stale-banner";
        text = "Koneksi ke server terputus — angka di layar mungkin sudah tidak terbaru.";
    }
    return [state, dot, banner, text];
}
"""


def register(app: Dash) -> None:
    """Register the shell's clientside callbacks."""
    for event in EVENTS:
        app.clientside_callback(
            APPLY_TEXTS,
            Output("last-seen", "data", allow_duplicate=True),
            Input("sio", f"data-{event}"),
            prevent_initial_call=True,
        )
    app.clientside_callback(
        CONNECTION,
        Output("conn-state", "children"),
        Output("conn-dot", "className"),
        Output("stale-banner", "className"),
        Output("stale-banner", "children"),
        Input("sio", "connected"),
    )
