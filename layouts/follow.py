"""Presenter and followers in the shell: the follow bar, the frozen and stepped-out banners (drawn by
assets/follow.js), and the store the pushed `view` events land in."""

from __future__ import annotations

from dash import dcc, html

from layouts.common import principal

EVENT = "view"


def follow_parts() -> list:
    """The shell's follow components; the bar knows the viewer's role and session key (not a secret)."""
    who = principal()
    attrs = {"data-role": who.role if who else "", "data-key": who.get_id() if who else ""}
    return [
        html.Div(id="follow-bar", className="follow-bar", **attrs),
        html.Div(id="freeze-banner", className="freeze-banner hidden", role="status"),
        html.Div(id="follow-banner", className="follow-banner hidden", role="status"),
        dcc.Store(id="follow-sink"),
    ]
