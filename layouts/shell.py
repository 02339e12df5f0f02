"""The app shell: navigation bar, demo badge, connection state and the page container."""

from __future__ import annotations

import dash
from dash import dcc, html
from dash_socketio import DashSocketIO

from dashboard import PAGES
from dashboard.fmt import now_utc
from dashboard.incident_maps import labels
from layouts.common import desk, principal
from layouts.follow import follow_parts

EVENTS = ["recap", "incident", "logistics", "heartbeat"]
SEVERE = ("tinggi", "kritis")  # severities announced on every screen
STAFF_PAGES = {"/input": ("admin", "operator"), "/admin": ("admin",)}


def _nav_links(role: str | None) -> list:
    links = []
    for _name, path, label in PAGES:
        allowed = STAFF_PAGES.get(path)
        if allowed and role not in allowed:
            continue
        links.append(dcc.Link(label, href=path, className="nav-link", id=f"nav-{label.lower()}"))
    return links


def alert_banner() -> list:
    """The banner announcing new incidents of severity tinggi or kritis until acknowledged on this screen.

    Filled in the browser (assets/incidents.js) from pushed `incident` messages; the store tells it the moment
    this screen started listening and the labels to write.
    """
    meta = {"since": now_utc().isoformat(), "severe": list(SEVERE), "labels": labels()}
    return [
        html.Div(id="alert-banner", className="alert-banner hidden", role="alert", **{"aria-live": "assertive"}),
        dcc.Store(id="alert-meta", data=meta),
    ]


def layout() -> html.Div:
    """The shell around every page."""
    who = principal()
    demo = False
    try:
        demo = desk().is_demo()
    except RuntimeError:  # outside an app context (Dash checks the layout once at start)
        demo = False
    user_box = (
        html.Div(
            [
                html.Span(f"{who.name} ({who.role})", id="whoami", className="whoami"),
                html.A("Keluar", href="/logout", className="logout"),
            ],
            className="user-box",
        )
        if who is not None
        else html.Div(id="whoami")
    )
    return html.Div(
        [
            html.Header(
                [
                    html.Div("Desk Pilkada", className="brand"),
                    html.Nav(_nav_links(who.role if who else None), className="nav"),
                    html.Div("DATA SIMULASI", className="demo-badge", id="demo-badge") if demo else None,
                    html.Div(
                        [
                            html.Span("●", id="conn-dot", className="conn-dot conn-wait"),
                            html.Span("Menghubungkan…", id="conn-state"),
                            html.Span(" · pembaruan terakhir ", className="muted"),
                            html.Span("—", id="last-update"),
                        ],
                        className="conn",
                    ),
                    user_box,
                ],
                className="topbar",
            ),
            html.Div(id="stale-banner", className="stale-banner hidden", role="alert"),
            *alert_banner(),
            *follow_parts(),
            DashSocketIO(id="sio", eventNames=[*EVENTS, "view"]),  # view: presenter sync (callbacks/follow.py)
            dcc.Interval(id="liveness", interval=1000),  # browser-only check for silence; fetches nothing
            dcc.Store(id="last-seen", data=0),
            html.Main(dash.page_container, className="page"),
        ],
        className="shell",
    )
