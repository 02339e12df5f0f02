"""The production server: gevent's WSGI server with WebSocket support, one process, a greenlet per connection.

`serve` patches the standard library for gevent before the app is imported (see `dashboard.cli`), so blocking
calls (database drivers, sleeps, locks) yield to other connections. Several processes can share the load
through the Redis message queue (`--message-queue`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from dashboard.config import Config

log = logging.getLogger(__name__)


def build_server(config: Config) -> Any:
    """Create the app and, in demo mode, start the election-day simulator; returns the Dash app."""
    from dashboard import create_app

    app = create_app(config)
    desk = app.server.extensions["desk"]
    if config.simulator:
        from data_sources.simulator import Simulator

        desk.simulator = Simulator(desk.store, speed=config.speed, notify=desk.changed)
        desk.simulator.start()
    return app


def run(config: Config, host: str, port: int, banner: str = "", started: float = 0.0) -> None:
    """Serve until interrupted; prints the banner once the server is about to accept connections."""
    app = build_server(config)
    socketio = app.server.extensions["desk"].socketio
    took = time.monotonic() - started if started else 0.0
    print(f"{banner}\nSiap melayani ({took:.1f} s sejak start). Tekan Ctrl+C untuk berhenti.", flush=True)
    socketio.run(app.server, host=host, port=port, log_output=False, use_reloader=False, debug=False)
