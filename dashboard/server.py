"""The production server: gunicorn with one worker process and many threads (WebSocket via simple-websocket)."""

from __future__ import annotations

import logging
import time
from typing import Any

from gunicorn.app.base import BaseApplication

from dashboard.config import Config

log = logging.getLogger(__name__)


def build_server(config: Config) -> Any:
    """Create the app and, in demo mode, start the election-day simulator; returns the WSGI server."""
    from dashboard import create_app

    app = create_app(config)
    desk = app.server.extensions["desk"]
    if config.simulator:
        from data_sources.simulator import Simulator

        desk.simulator = Simulator(desk.store, speed=config.speed, notify=desk.changed)
        desk.simulator.start()
    return app.server


class _Gunicorn(BaseApplication):
    def __init__(self, config: Config, options: dict[str, Any]) -> None:
        self._config = config
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return build_server(self._config)


def run(config: Config, host: str, port: int, threads: int = 200, banner: str = "", started: float = 0.0) -> None:
    """Serve until interrupted; prints the banner once the worker is ready to answer."""

    def ready(_worker: Any) -> None:
        took = time.monotonic() - started if started else 0.0
        print(f"{banner}\nSiap melayani ({took:.1f} s sejak start). Tekan Ctrl+C untuk berhenti.", flush=True)

    options = {
        "bind": f"{host}:{port}",
        "workers": 1,  # Socket.IO sessions live in one process; scale out with --message-queue
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 120,
        "graceful_timeout": 5,
        "accesslog": None,
        "loglevel": "warning",
        "post_worker_init": ready,
    }
    _Gunicorn(config, options).run()
