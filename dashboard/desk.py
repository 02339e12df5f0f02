"""The running app's parts, handed to routes, socket handlers and pages: configuration, store, live layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app

from dashboard.config import Config
from dashboard.live.follower import FeedFollower
from dashboard.live.hub import Hub
from dashboard.recap.service import RecapService
from data_sources.store import Store

if TYPE_CHECKING:
    from dash import Dash
    from flask_limiter import Limiter
    from flask_socketio import SocketIO

    from dashboard.live.presence import Presence
    from data_sources.simulator import Simulator


@dataclass
class Desk:
    """What the running app holds: configuration, store, live recap, change-feed follower, realtime hub."""

    config: Config
    store: Store
    recap: RecapService
    feed: FeedFollower
    hub: Hub
    socketio: SocketIO
    presence: Presence | None = None
    limiter: Limiter | None = None
    dash: Dash | None = None
    simulator: Simulator | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def is_demo(self) -> bool:
        """True when the loaded scenario is simulated data (or the app runs the demo)."""
        return self.config.demo or self.store.get_setting("demo") == "1"


def current_desk() -> Desk:
    """The Desk of the app serving the current request (or socket event)."""
    return current_app.extensions["desk"]
