"""The production server: gevent's WSGI server with WebSocket support, one process, a greenlet per connection.

`serve` patches the standard library for gevent before the app is imported (see `dashboard.cli.main`), so blocking
calls (database drivers, sleeps, locks) yield to other connections. Several processes can share the load
through the Redis message queue (`--message-queue`).
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

from dashboard.config import Config

log = logging.getLogger(__name__)


def build_server(config: Config) -> Any:
    """Create the app and, in demo mode, start the election-day simulator; returns the Dash app."""
    from dashboard.app import create_app

    app = create_app(config)
    desk = app.server.extensions["desk"]
    if config.simulator:
        from data_sources.simulator import Simulator

        desk.simulator = Simulator(desk.store, speed=config.speed)
        desk.simulator.start()
    return app


def run(config: Config, host: str, port: int, banner: str = "", started: float = 0.0) -> None:
    """Serve until interrupted; prints the banner once the server is about to accept connections."""
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    app = build_server(config)
    server = pywsgi.WSGIServer(_listener(host, port), app.server, handler_class=WebSocketHandler, log=None)
    took = time.monotonic() - started if started else 0.0
    print(f"{banner}\nSiap melayani ({took:.1f} s sejak start). Tekan Ctrl+C untuk berhenti.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop(timeout=5)


def _listener(host: str, port: int) -> socket.socket:
    """A listening socket whose connections send small frames at once (TCP_NODELAY, inherited on accept)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock
