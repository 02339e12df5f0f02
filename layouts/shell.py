"""The app shell: navigation bar, demo badge, connection state and the page container."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import dash
from dash import dcc, html
from dash_socketio import DashSocketIO

from dashboard.charts.incident_maps import labels
from data_sources import incidents, summary
from data_sources.domain.fmt import fmt_wib, now_utc, to_wib
from layouts.common import desk, principal
from layouts.follow import follow_parts
from layouts.pages import PAGES

if TYPE_CHECKING:
    from dashboard.desk import Desk

EVENTS = ["recap", "incident", "logistics", "heartbeat"]
SEVERE = ("tinggi", "kritis")  # severities announced on every screen
STAFF_PAGES = {"/input": ("admin", "operator"), "/admin": ("admin",)}
ALERT_FIELDS = (
    "id", "severity", "category", "status", "kecamatan", "kecamatan_name", "tps", "occurred_at", "created_at",
    "updated_at", "description",
)  # fmt: skip  # what the banner shows of an incident (assets/incidents.js, alerts.summary)


def _nav_links(role: str | None) -> list:
    links = []
    for _name, path, label in PAGES:
        allowed = STAFF_PAGES.get(path)
        if allowed and role not in allowed:
            continue
        links.append(dcc.Link(label, href=path, className="nav-link", id=f"nav-{label.lower()}"))
    return links


def _desk_or_none() -> Desk | None:
    """The running app's Desk, or None outside an app context (Dash checks the layout once at start)."""
    try:
        return desk()
    except RuntimeError:
        return None


def unhandled_alerts(d: Desk | None) -> list[dict[str, Any]]:
    """The severe incidents nobody has verified yet, newest first, as the banner needs them."""
    if d is None:
        return []
    return [{k: i[k] for k in ALERT_FIELDS} for i in incidents.unhandled(d.store, SEVERE)]


def alert_banner(d: Desk | None = None) -> list:
    """The banner announcing incidents of severity tinggi or kritis until acknowledged on this screen.

    It lists those still unverified (status baru) when the page opened, and those created afterwards. Filled in
    the browser (assets/incidents.js) from this list and from pushed `incident` messages; the store tells it the
    moment this screen started listening and the labels to write. An incident from before that moment leaves the
    banner when it is verified or rejected; a new one stays until "Mengerti".
    """
    since = now_utc()  # before the list is read: anything stored later arrives as a pushed message
    meta = {"since": since.isoformat(), "severe": list(SEVERE), "labels": labels(), "unhandled": unhandled_alerts(d)}
    return [
        html.Div(id="alert-banner", className="alert-banner hidden", role="alert", **{"aria-live": "assertive"}),
        dcc.Store(id="alert-meta", data=meta),
    ]


def last_update_text(moment: datetime | None, now: datetime) -> str:
    """The time of the last change as the top bar shows it: "14.05 WIB" that day, with the date before it."""
    if moment is None:
        return "—"
    return fmt_wib(moment, with_date=to_wib(moment).date() != to_wib(now).date())


def layout() -> html.Div:
    """The shell around every page."""
    who = principal()
    d = _desk_or_none()
    demo = d.is_demo() if d is not None else False
    last = summary.last_change(d.store) if d is not None else None
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
                            html.Span(last_update_text(last, now_utc()), id="last-update"),
                        ],
                        className="conn",
                    ),
                    user_box,
                ],
                className="topbar",
            ),
            html.Div(id="stale-banner", className="stale-banner hidden", role="alert"),
            *alert_banner(d),
            *follow_parts(),
            DashSocketIO(id="sio", eventNames=[*EVENTS, "view"]),  # view: presenter sync (callbacks/follow.py)
            dcc.Interval(id="liveness", interval=1000),  # browser-only check for silence; fetches nothing
            dcc.Store(id="last-seen", data=0),
            html.Main(dash.page_container, className="page"),
        ],
        className="shell",
    )
